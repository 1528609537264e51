"""The stable file interface: a table of person records in, one golden id per record out.

Scripts outside cdpkit call this (through `cdpkit identity resolve|evaluate`
or these functions), so its columns are a contract: any of
`INPUT_COLUMNS` may be missing or empty, other columns are ignored, and the
output has exactly `record_id, golden_id`, one row per input record.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from identity.evaluate import PairwiseScores, pairwise_scores
from identity.resolve import IdentityResult, resolve
from identity.settings import IdentitySettings

INPUT_COLUMNS = (
    "record_id", "source", "first_name", "last_name", "full_name", "email", "phone", "street",
    "city", "postcode", "region", "country", "date_of_birth",
)  # fmt: skip
#: the source of records whose table has no `source` column
DEFAULT_SOURCE = "input"
OUTPUT_COLUMNS = ["record_id", "golden_id"]


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV or Parquet file as text columns, empty cells as None."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        table = pd.read_parquet(path).astype(object)
    else:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    table = table.astype(object)
    return table.where(table.notna() & (table != ""), None)


def to_records(table: pd.DataFrame) -> pd.DataFrame:
    """Interface rows as the unified records `resolve` reads (data-contract section 4)."""
    if "record_id" not in table.columns:
        raise ValueError("the input needs a record_id column")
    if table["record_id"].isna().any():
        raise ValueError(f"{int(table['record_id'].isna().sum())} rows have no record_id")

    def column(name: str) -> pd.Series:
        if name in table.columns:
            # the input's own arrays: a million records are not copied to be renamed
            return table[name].astype(object, copy=False)
        return pd.Series(None, index=table.index, dtype=object)

    source = column("source").where(column("source").notna(), DEFAULT_SOURCE)
    return pd.DataFrame({
        "source": source.astype(str), "source_id": table["record_id"].astype(str),
        "first_name": column("first_name"), "last_name": column("last_name"),
        "full_name": column("full_name"), "email": column("email"), "phone": column("phone"),
        "street": column("street"), "city": column("city"), "postcode": column("postcode"),
        "country_code": column("country"), "free_text": None, "cross_ref": None,
        "is_active": True, "source_updated_at": None,
        "region": column("region"), "date_of_birth": column("date_of_birth"),
    }, index=table.index, copy=False)  # fmt: skip


def resolve_table(table: pd.DataFrame, settings: IdentitySettings | None = None,
                  decisions: pd.DataFrame | None = None,
                  ) -> tuple[pd.DataFrame, IdentityResult]:
    """`record_id, golden_id` in the input's row order, and the full result.

    `decisions` name records by `source` (the input's, or "input") and
    `record_id` (`identity.stewardship.DECISION_COLUMNS`).
    """
    records = to_records(table)
    result = resolve(records, settings, decisions=decisions)
    return cluster_ids(table, records, result.crosswalk), result


def cluster_ids(table: pd.DataFrame, records: pd.DataFrame,
                crosswalk: pd.DataFrame) -> pd.DataFrame:
    """`record_id, golden_id` in the input's row order, from a crosswalk of its records."""
    ids = crosswalk.set_index(["source", "source_id"])["golden_id"]
    keys = pd.MultiIndex.from_arrays([records["source"], records["source_id"]])
    return pd.DataFrame({"record_id": table["record_id"].to_numpy(),
                         "golden_id": ids.reindex(keys).to_numpy()})


@dataclass(frozen=True)
class Evaluation(PairwiseScores):
    """Pairwise quality of a clustering against a truth column, and what it cost."""

    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def evaluate_table(table: pd.DataFrame, truth_column: str,
                   settings: IdentitySettings | None = None) -> Evaluation:
    """Resolve `table` and score it against `truth_column` (the same value = one person)."""
    if truth_column not in table.columns:
        raise ValueError(f"no truth column {truth_column!r} in the input")
    started = time.perf_counter()
    clusters, result = resolve_table(table, settings)
    seconds = time.perf_counter() - started
    records = to_records(table)
    truth = pd.DataFrame({"source": records["source"], "source_id": records["source_id"],
                          "person_id": table[truth_column].astype(str).to_numpy()})
    truth = truth[table[truth_column].notna().to_numpy()]
    scores = pairwise_scores(result.crosswalk, truth, collections=None)
    stages = {k: v for k, v in result.stats.items() if k.endswith("seconds")}
    return Evaluation(**asdict(scores), seconds=round(seconds, 3), stage_seconds=stages)
