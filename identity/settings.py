"""Declarative settings for identity resolution.

What is matched, and how carefully, is declared here rather than coded into the
stages, so a user tunes matching (switch a rule off, change the default phone
region, tighten the household guard) with a YAML file instead of a code change.
The probabilistic stage reads its own section (`matching`) of the same object.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from identity.match.settings import MatchSettings

#: Rules the deterministic stage knows. ``cross_ref`` is trusted without a name check.
KNOWN_RULES = ("email", "phone", "cross_ref")


@dataclass(frozen=True)
class EmailRules:
    """How emails are normalised into a match key (provider aliasing rules)."""

    strip_plus_tags: bool = True
    #: Domains whose ``+tag`` is stripped; empty means every domain.
    plus_tag_domains: tuple[str, ...] = ()
    #: Domains that ignore dots in the local part (Gmail delivers a.b@ to ab@).
    dot_insensitive_domains: tuple[str, ...] = ("gmail.com",)
    #: Domains that are the same mailbox under another name.
    domain_aliases: dict[str, str] = field(
        default_factory=lambda: {"googlemail.com": "gmail.com"}
    )
    #: Also use an address the person wrote in free text (an X bio) as an email key.
    use_free_text: bool = True


@dataclass(frozen=True)
class GuardSettings:
    """The household / common-key guard on email and phone links.

    Households share an inbox, a landline or an address, so a shared key alone
    would merge different people; precision matters more than recall here.
    """

    enabled: bool = True
    #: Jaro-Winkler similarity at which two (folded) first names count as the same.
    first_name_jw: float = 0.9
    #: Jaro-Winkler similarity at which two (folded) last names count as the same.
    last_name_jw: float = 0.88
    #: Keys shared by more records than this are skipped (shared inboxes, test
    #: numbers, placeholder values), which also bounds the work per key.
    max_group_size: int = 20
    #: Drop a record's links in a key group when it is compatible with two
    #: members that are incompatible with each other ("J Smith" with John and Jane).
    drop_ambiguous: bool = True
    #: What makes two records different people in clustering, whatever links them:
    #: "first_name" (clearly different first names) and "date_of_birth" (both known,
    #: more than a typo apart). Data whose dates are unreliable drops the latter.
    cluster_conflicts: tuple[str, ...] = ("first_name", "date_of_birth")
    #: Jaro-Winkler under which two first names are clearly different in clustering;
    #: looser than `first_name_jw`, because a typed "Tobt" is still Toby.
    cluster_first_name_jw: float = 0.8


@dataclass(frozen=True)
class CrossRefRule:
    """ERP ``cross_ref`` points at a record of another source by its numeric id."""

    #: Source whose records carry ``cross_ref`` (Odoo ``ref``).
    from_source: str = "erp"
    #: Source the reference points at.
    to_source: str = "shop"
    #: Regex whose first group is the id compared on both sides (``gid://shopify/Customer/<n>``).
    id_pattern: str = r"(\d+)\s*$"


@dataclass(frozen=True)
class IdentitySettings:
    """All knobs of :func:`identity.resolve.resolve`."""

    rules: tuple[str, ...] = KNOWN_RULES
    #: Region used to read a phone number when the record has no country code.
    default_phone_region: str = "US"
    email: EmailRules = field(default_factory=EmailRules)
    guard: GuardSettings = field(default_factory=GuardSettings)
    cross_ref: CrossRefRule = field(default_factory=CrossRefRule)
    #: Survivorship tie-break, best first, when two records changed at the same time;
    #: and the order the `source_priority` survivorship rule follows.
    source_priority: tuple[str, ...] = ("erp", "shop", "email", "social")
    #: Survivorship rule per golden attribute (`identity.golden.SURVIVORSHIP_RULES`;
    #: attributes first_name, last_name, email, phone, and "address" for the
    #: street, city, postcode and country as one block); unset ones: most_recent.
    survivorship: tuple[tuple[str, str], ...] = ()
    #: How an ambiguous numeric date of birth (03/04/1990) is read: day first (most
    #: of the world) or month first (US data).
    dates_day_first: bool = True
    #: The probabilistic stage (blocking, comparison levels, Fellegi-Sunter model).
    matching: MatchSettings = field(default_factory=MatchSettings)
    #: Largest cluster the guarded clustering builds from probabilistic links.
    max_cluster_size: int = 50
    #: `resolve_into` resolves a change incrementally unless it touches more than
    #: this share of the stored records; then (and on any change of settings) it
    #: runs in full, refitting the model.
    full_run_share: float = 0.2

    def __post_init__(self) -> None:
        unknown = set(self.rules) - set(KNOWN_RULES)
        if unknown:
            raise ValueError(f"unknown identity rules {sorted(unknown)}; known: {KNOWN_RULES}")
        from identity.golden import SURVIVING, SURVIVORSHIP_RULES

        chosen = self.survivorship
        chosen = tuple(chosen.items()) if isinstance(chosen, dict) else tuple(map(tuple, chosen))
        for attribute, rule in chosen:
            if attribute not in SURVIVING:
                raise ValueError(f"no survivorship for {attribute!r}; attributes: {SURVIVING}")
            if rule not in SURVIVORSHIP_RULES:
                raise ValueError(f"unknown survivorship rule {rule!r} for {attribute}; "
                                 f"rules: {tuple(SURVIVORSHIP_RULES)}")
        object.__setattr__(self, "survivorship", chosen)

    def rule_enabled(self, name: str) -> bool:
        return name in self.rules

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> IdentitySettings:
        """Build settings from plain data (YAML/JSON), rejecting unknown keys loudly."""
        data = dict(data or {})
        nested = {"email": EmailRules, "guard": GuardSettings, "cross_ref": CrossRefRule,
                  "matching": MatchSettings}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in nested:
                kwargs[key] = _build(nested[key], value or {})
            elif key in {"rules", "source_priority"}:
                kwargs[key] = tuple(value)
            elif key in {f.name for f in dataclasses.fields(cls)}:
                kwargs[key] = value
            else:
                raise ValueError(f"unknown identity setting {key!r}")
        return cls(**kwargs)

    @classmethod
    def from_yaml(cls, path: str | Path) -> IdentitySettings:
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(yaml.safe_load(handle))


def _build(kind: type, data: dict[str, Any]) -> Any:
    names = {f.name: f for f in dataclasses.fields(kind)}
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"unknown {kind.__name__} settings {sorted(unknown)}")
    values = {
        key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
    }
    return kind(**values)
