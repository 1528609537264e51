"""Multi-pass blocking: candidate pairs as equi-joins the warehouse engine runs.

Comparing every record with every other is n^2/2 pairs (5 * 10^11 at a million
records). Each blocking rule pairs only records that agree exactly on a few key
expressions; several rules, each tolerant of errors the others are not (a typo
in the surname, a missing date of birth), together miss few true pairs. Rules
are SQL expressions over one record, so the join is a hash join in DuckDB here
and in Spark or a cloud warehouse later.

A key value shared by far more records than a person could have ("noemail@",
a shop's own phone, 1 January 1900) is junk: its block is skipped and
reported, which bounds the work per block and keeps junk out of the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

#: pairs within one source only, across sources only, or both
LINK_TYPES = ("dedupe", "link_only", "link_and_dedupe")


@dataclass(frozen=True)
class BlockingRule:
    """Records agreeing on every key expression are compared."""

    keys: tuple[str, ...]
    #: this rule's own cap on a block (None: the run's `max_block_size`); a key
    #: that is fine-grained in ten thousand records (a date of birth) is coarse
    #: in a million, and its blocks then pair records another rule pairs better
    max_block_size: int | None = None

    @property
    def name(self) -> str:
        return " & ".join(self.keys)


def block_on(*keys: str, max_block_size: int | None = None) -> BlockingRule:
    return BlockingRule(tuple(keys), max_block_size)


DEFAULT_RULES = (
    block_on("first_key", "last_key"),
    block_on("dob_key"),
    block_on("last_key", "postcode_key"),
    block_on("first_key", "postcode_key"),
    block_on("last_sound", "city_key"),
    block_on("street_key", "postcode_key"),
    block_on("email_key"),
    block_on("phone_key"),
)


def usable_rules(rules: Sequence[BlockingRule], columns: Sequence[str]) -> list[BlockingRule]:
    """The rules whose keys are all plain columns the records have."""
    have = set(columns)
    return [rule for rule in rules if set(rule.keys) <= have]


def pair_condition(link_type: str) -> str:
    """Which pairs of `a`, `b` a link type compares (each unordered pair once)."""
    if link_type not in LINK_TYPES:
        raise ValueError(f"unknown link_type {link_type!r}; known: {LINK_TYPES}")
    return {
        "dedupe": "a.rid < b.rid AND a.source = b.source",
        "link_only": "a.rid < b.rid AND a.source <> b.source",
        "link_and_dedupe": "a.rid < b.rid",
    }[link_type]


def candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    records: str,
    rules: Sequence[BlockingRule],
    link_type: str,
    max_block_size: int,
    into: str = "candidate_pairs",
) -> pd.DataFrame:
    """Create table `into` (rid_l, rid_r, blocked_by) from `records` (rid, source, keys...).

    `blocked_by` is the first rule that found the pair. A block over the
    rule's `max_block_size`, or else over `max_block_size`, is skipped. Returns, per rule, the
    pairs it found and the oversized key values it skipped.
    """
    condition = pair_condition(link_type)
    report = []
    # every rule's pairs first, then one aggregation keeps each pair once with
    # the first rule that found it: cheaper than an anti-join per rule against
    # a table of pairs growing to tens of millions
    con.execute("CREATE OR REPLACE TEMP TABLE rule_pairs "
                "(rid_l BIGINT, rid_r BIGINT, blocked_by SMALLINT)")
    for number, rule in enumerate(rules):
        keys, present, names, on = _rule_sql(rule)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE block_keys AS
            SELECT rid, source, {keys} FROM {records} WHERE {present}""")
        skipped = con.execute(f"""
            CREATE OR REPLACE TEMP TABLE oversized AS
            SELECT {names}, count(*) AS records FROM block_keys GROUP BY ALL
            HAVING count(*) > {int(rule.max_block_size or max_block_size)};
            SELECT count(*), coalesce(sum(records), 0) FROM oversized""").fetchall()[0]
        con.execute(f"""
            INSERT INTO rule_pairs
            SELECT a.rid, b.rid, {number}
            FROM block_keys a JOIN block_keys b ON {on} AND {condition}
            WHERE NOT EXISTS (SELECT 1 FROM oversized o WHERE {
                " AND ".join(f"o.k{i} = a.k{i}" for i in range(len(rule.keys)))})""")
        report.append(_rule_report(rule, skipped))
    return _first_rule_per_pair(con, into, report, "TABLE")


def delta_candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    records: str,
    delta: str,
    rules: Sequence[BlockingRule],
    link_type: str,
    max_block_size: int,
    into: str = "delta_pairs",
) -> pd.DataFrame:
    """Create table `into` (rid_l, rid_r, blocked_by): the pairs of `records` that the
    rules find and that hold at least one record of `delta` (the delta's own rows of
    `records`, or any table with their `rid`, `source` and key columns).

    The same pairs `candidate_pairs` would find among them, at a cost that
    follows the delta, not `records`: each rule joins only the delta's keys,
    and a block's size (its cap) is counted over all of `records`, so a key
    that is junk in the whole table stays junk in an incremental run.
    """
    condition = pair_condition(link_type).replace("a.rid < b.rid", "a.rid <> b.rid")
    report = []
    con.execute("CREATE OR REPLACE TEMP TABLE rule_pairs "
                "(rid_l BIGINT, rid_r BIGINT, blocked_by SMALLINT)")
    for number, rule in enumerate(rules):
        keys, present, names, on = _rule_sql(rule)
        cap = int(rule.max_block_size or max_block_size)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE delta_keys AS
            SELECT rid, source, {keys} FROM {delta} WHERE {present};
            CREATE OR REPLACE TEMP TABLE block_keys AS
            SELECT * FROM (SELECT rid, source, {keys} FROM {records} WHERE {present})
            SEMI JOIN (SELECT DISTINCT {names} FROM delta_keys) USING ({names});
            CREATE OR REPLACE TEMP TABLE oversized AS
            SELECT {names}, count(*) AS records FROM block_keys GROUP BY ALL
            HAVING count(*) > {cap}""")
        skipped = con.execute(
            "SELECT count(*), coalesce(sum(records), 0) FROM oversized").fetchall()[0]
        con.execute(f"""
            INSERT INTO rule_pairs
            SELECT least(a.rid, b.rid), greatest(a.rid, b.rid), {number}
            FROM delta_keys a JOIN block_keys b ON {on} AND {condition}
            WHERE NOT EXISTS (SELECT 1 FROM oversized o WHERE {
                " AND ".join(f"o.k{i} = a.k{i}" for i in range(len(rule.keys)))})""")
        report.append(_rule_report(rule, skipped))
    con.execute("DROP TABLE IF EXISTS delta_keys")
    return _first_rule_per_pair(con, into, report, "TEMP TABLE")


def _rule_sql(rule: BlockingRule) -> tuple[str, str, str, str]:
    """SQL fragments of a rule's keys as k0, k1...: the select list, the all-present
    test, the names, and the join condition of sides `a` and `b`."""
    width = range(len(rule.keys))
    return (", ".join(f"{key} AS k{i}" for i, key in enumerate(rule.keys)),
            " AND ".join(f"{key} IS NOT NULL" for key in rule.keys),
            ", ".join(f"k{i}" for i in width),
            " AND ".join(f"a.k{i} = b.k{i}" for i in width))


def _rule_report(rule: BlockingRule, skipped: tuple) -> dict[str, object]:
    return {"rule": rule.name, "new_pairs": 0,
            "oversized_keys": int(skipped[0]), "records_in_oversized": int(skipped[1])}


def _first_rule_per_pair(con: duckdb.DuckDBPyConnection, into: str,
                         report: list[dict[str, object]], kind: str) -> pd.DataFrame:
    """Table `into` from `rule_pairs`: each pair once, with the first rule that found
    it; `report` gets each rule's count of the pairs it found first."""
    con.execute(f"""
        CREATE OR REPLACE {kind} {into} AS
        SELECT rid_l, rid_r, min(blocked_by)::INTEGER AS blocked_by
        FROM rule_pairs GROUP BY rid_l, rid_r""")
    found = dict(con.execute(
        f"SELECT blocked_by, count(*) FROM {into} GROUP BY blocked_by").fetchall())
    for number, row in enumerate(report):
        row["new_pairs"] = int(found.get(number, 0))
    con.execute("DROP TABLE IF EXISTS block_keys; DROP TABLE IF EXISTS oversized; "
                "DROP TABLE IF EXISTS rule_pairs")
    return pd.DataFrame(report, columns=["rule", "new_pairs", "oversized_keys",
                                         "records_in_oversized"])
