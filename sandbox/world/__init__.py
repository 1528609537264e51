"""A seeded synthetic CRM world: four vendor systems' records plus the ground truth."""

from .changes import ChangeSet, CollectionChanges, WorldReader, make_changes
from .generate import generate_world
from .settings import WorldSettings

__all__ = ["ChangeSet", "CollectionChanges", "WorldReader", "WorldSettings",
           "generate_world", "make_changes"]
