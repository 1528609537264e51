"""Settings of the probabilistic stage: which pairs, which fields, which thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from identity.match.blocking import LINK_TYPES

DEFAULT_BLOCKING = (
    ("name_pair",),
    ("name_pair", "city_key"),
    ("dob_key",),
    ("last_key", "postcode_key"),
    ("first_key", "postcode_key"),
    ("last_sound", "postcode_key"),
    ("first_key", "last_sound"),
    ("first_sound", "last_key"),
    ("street_key", "postcode_key"),
    ("street_key", "city_key"),
    ("house_number", "postcode_key"),
    ("street_name_key", "postcode_key"),
    ("email_key",),
    ("phone_key",),
)
#: Every rule pairs records agreeing on a fine key (a name with a postcode, a
#: street), never on a coarse one alone (a city, a first name): a coarse block
#: grows with the square of the data (a first name and a city paired 3.9
#: million records of a 170,000-record world).


@dataclass(frozen=True)
class MatchSettings:
    """Knobs of :func:`identity.match.linker.link`; YAML section `matching`."""

    enabled: bool = True
    #: "link_and_dedupe" (a CDP: any two records), "link_only" (across sources), "dedupe"
    link_type: str = "link_and_dedupe"
    #: each rule: key columns two records must share to be compared
    blocking_rules: tuple[tuple[str, ...], ...] = DEFAULT_BLOCKING
    #: comparison names to use (None: every default one the records have columns for)
    comparisons: tuple[str, ...] | None = None
    #: key values shared by more records than this are junk: their block is skipped
    max_block_size: int = 100
    #: random pairs drawn to estimate u (the non-match level frequencies)
    u_sample_pairs: int = 1_000_000
    #: probability at or above which a pair merges automatically
    match_threshold: float = 0.95
    #: probability at or above which a pair below `match_threshold` goes to review
    review_threshold: float = 0.5
    #: merge only pairs whose evidence identifies a person, not just a household
    #: (`comparisons.identifying`); the others above the threshold go to review
    require_identifying: bool = True
    seed: int = 42

    def __post_init__(self) -> None:
        # YAML gives lists; the settings are frozen and hashable as tuples
        object.__setattr__(self, "blocking_rules",
                           tuple(tuple(rule) for rule in self.blocking_rules))
        if self.comparisons is not None:
            object.__setattr__(self, "comparisons", tuple(self.comparisons))
        if self.link_type not in LINK_TYPES:
            raise ValueError(f"link_type must be one of {LINK_TYPES}, not {self.link_type!r}")
        if not 0 < self.review_threshold <= self.match_threshold < 1:
            raise ValueError("need 0 < review_threshold <= match_threshold < 1")
