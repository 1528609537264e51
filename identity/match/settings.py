"""Settings of the probabilistic stage: which pairs, which fields, which thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from identity.match.blocking import LINK_TYPES, BlockingRule, block_on

DEFAULT_BLOCKING = (
    ("name_pair",),
    ("name_pair", "city_key"),
    ("dob_key",),
    ("dob_key", "first_sound"),
    ("dob_key", "last_sound"),
    ("dob_key", "city_key"),
    ("dob_key", "postcode_key"),
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
#: million records of a 170,000-record world). A date of birth alone is fine
#: in ten thousand records and coarse in a million (500,000 people share
#: 36,500 dates: 13.8 million pairs of a million-record FEBRL-like file), so
#: its blocks are capped (`DEFAULT_RULE_BLOCK_SIZES`) and the dates with a
#: sound of either name or a place take over: 10.6 million pairs for the
#: whole rule set instead of 29.6 million, for 0.006 of reachable recall.
#: A house number with a postcode, capped alike, keeps FEBRL4's pairs whose
#: street name is misspelt without pairing 6.2 million records of the million.
DEFAULT_RULE_BLOCK_SIZES = (("dob_key", 20), ("house_number & postcode_key", 20))


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
    #: per rule (by name, keys joined with " & "), its own block cap
    rule_max_block_size: tuple[tuple[str, int], ...] = DEFAULT_RULE_BLOCK_SIZES
    #: random pairs drawn to estimate u (the non-match level frequencies)
    u_sample_pairs: int = 1_000_000
    #: candidate pairs sampled to fit m by EM and the prior (every pair is scored)
    training_pairs: int = 2_000_000
    #: DuckDB's memory for the pair work; past it, joins and aggregations spill
    #: to a temporary directory
    memory_limit: str = "384MB"
    #: probability at or above which a pair merges automatically
    match_threshold: float = 0.95
    #: probability at or above which a pair below `match_threshold` goes to review
    review_threshold: float = 0.5
    #: merge only pairs whose evidence identifies a person, not just a household
    #: (`comparisons.identifying`); the others above the threshold go to review
    require_identifying: bool = True
    seed: int = 42

    def rules(self) -> list[BlockingRule]:
        """The blocking rules, each with its own block cap where one is set."""
        caps = dict(self.rule_max_block_size)
        rules = [block_on(*keys) for keys in self.blocking_rules]
        return [block_on(*r.keys, max_block_size=caps.get(r.name)) for r in rules]

    def __post_init__(self) -> None:
        # YAML gives lists; the settings are frozen and hashable as tuples
        object.__setattr__(self, "blocking_rules",
                           tuple(tuple(rule) for rule in self.blocking_rules))
        caps = self.rule_max_block_size
        caps = caps.items() if isinstance(caps, dict) else caps
        object.__setattr__(self, "rule_max_block_size",
                           tuple((str(name), int(cap)) for name, cap in caps))
        if self.comparisons is not None:
            object.__setattr__(self, "comparisons", tuple(self.comparisons))
        if self.link_type not in LINK_TYPES:
            raise ValueError(f"link_type must be one of {LINK_TYPES}, not {self.link_type!r}")
        if not 0 < self.review_threshold <= self.match_threshold < 1:
            raise ValueError("need 0 < review_threshold <= match_threshold < 1")
