"""Splink 5 (DuckDB) on cdpkit's identity input, for a same-run comparison with cdpkit.

Why this exists: the identity benchmark reports cdpkit's quality and speed, and
"how does that compare with Splink?" is only answered fairly by running Splink
on the same records, on the same machine, in the same benchmark run (timings on
a shared machine drift between runs; ratios within one run do not). This module
is benchmark-only: Splink is a `dev` extra and cdpkit never imports it at
runtime.

Input is cdpkit's identity input interface (`identity.interface.INPUT_COLUMNS`:
`record_id, source, first_name, last_name, street, city, postcode, region,
country, date_of_birth`, any of them empty or absent, all text). A truth column
such as `true_id` may be present: Splink never sees it (only the columns below
are registered with DuckDB).

Configuration (what a competent Splink user would write for these columns,
starting from Splink's own FEBRL3/FEBRL4 examples, minus `soc_sec_id`, which the
interface has no column for):

* standardisation in pandas: every text lowercased, whitespace collapsed and
  trimmed, empty as NULL; dates reduced to `YYYYMMDD` text (ISO, `YYYY/MM/DD`
  and `YYYYMMDD` all accepted); postcode without spaces; the street split into
  its house number and the rest.
* comparisons: `NameComparison` (exact with term-frequency adjustment, then
  Jaro-Winkler >= 0.92 / 0.88 / 0.7) on first and last name;
  `DateOfBirthComparison` (exact, Levenshtein 1, within 1 month / 1 year /
  10 years); postcode exact (term-frequency adjusted) / Damerau-Levenshtein 1 / 2;
  street name exact / Jaro-Winkler 0.9 and house number exact
  (term-frequency adjusted); city exact (term-frequency adjusted) /
  Jaro-Winkler 0.9; region exact. Country is not compared: in one-country data
  it carries no weight.
* prediction blocking (the union of): first+last name, first/last name swapped,
  date of birth, postcode+last name, postcode+first name, street name+house
  number, city+first name, last name+birth year. None of these is a bare
  postcode or city, so the pair count stays near-linear on large inputs.
* training: `probability_two_random_records_match` from deterministic rules
  (first+last name+dob, dob+street name+house number) at an assumed recall of 0.7;
  u by random sampling (`u_max_pairs`, seeded); m by three EM sessions blocked
  on date of birth, on postcode, and on first+last name, each without
  term frequencies (as Splink's examples do), each capped by `em_max_pairs`.
* prediction at `threshold`, then connected-components clustering at the same
  threshold.

How EM is capped: Splink 5's
`linker.training.estimate_parameters_using_expectation_maximisation` has a
keyword `max_pairs` for exactly this. When set, Splink first
blocks a 1 % hash sample of the records (`record_sample_proportion`) to estimate
how many pairs the training rule makes, and if that exceeds `max_pairs` it keeps
records whose uid hash falls under sqrt(max_pairs / estimate) on each side, so the
session sees about `max_pairs` pairs. The sample is deterministic (uid hash), so
`seed` does not change it. `em_max_pairs=None` leaves EM uncapped. Splink's 1 %
probe sees 1e-4 of the pairs, which on a 10,000-record table is a handful of
pairs or none (and with none Splink silently skips the cap), so this runner
probes about 20,000 records per side instead (all of a small table, 1 % of a
two-million-record one): `em_probe_proportion`.

    python -m benchmarks.splink_runner --input FILE.parquet --truth-column true_id \\
        [--em-max-pairs N] [--link-type dedupe_only|link_only]

prints one JSON line (case, precision, recall, F1, seconds, stage_seconds,
peak_mb, records) on stdout; Splink's log goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import resource
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

log = logging.getLogger(__name__)

#: the interface columns Splink is given (besides the internal unique id)
TEXT_COLUMNS = ("first_name", "last_name", "street", "city", "postcode", "region")
LINK_TYPES = ("dedupe_only", "link_only", "link_and_dedupe")
_UID = "unique_id"
#: records per side that EM's pair-count probe blocks (at least 1 %, at most all)
_PROBE_RECORDS = 20_000
#: rules that admit almost only true matches, for `probability_two_random_records_match`
DETERMINISTIC_RULES = (("first_name", "last_name", "date_of_birth"),
                       ("date_of_birth", "street_name", "street_number"))
#: one EM session blocked on each (m is not estimated for a session's own columns)
EM_RULES = (("date_of_birth",), ("postcode",), ("first_name", "last_name"))
_ISO_DATE = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name in table.columns:
        return table[name].astype(object)
    return pd.Series(None, index=table.index, dtype=object)


def _clean_text(values: pd.Series) -> pd.Series:
    """Lowercase, whitespace collapsed and trimmed, empty as None."""
    text = values.astype("string").str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    return text.astype(object).where((text.notna() & (text != "")).to_numpy(bool), None)


def _clean_date(values: pd.Series) -> pd.Series:
    """`YYYYMMDD` text from ISO-like or 8-digit dates; other shapes as bare digits."""
    text = values.astype("string").str.strip()
    parts = text.str.extract(_ISO_DATE)
    iso = parts[0] + parts[1].str.zfill(2) + parts[2].str.zfill(2)
    digits = text.str.replace(r"\D", "", regex=True)
    out = iso.where(iso.notna(), digits)
    return out.astype(object).where((out.notna() & (out != "")).to_numpy(bool), None)


def standardise(table: pd.DataFrame) -> pd.DataFrame:
    """The interface rows as the columns Splink compares; row `i` gets unique id `i`."""
    out = pd.DataFrame({c: _clean_text(_column(table, c)) for c in TEXT_COLUMNS})
    out["postcode"] = _clean_text(out["postcode"].str.replace(" ", "", regex=False))
    street = out["street"].astype("string")
    out["street_number"] = _clean_text(street.str.extract(r"^(\d+[a-z]?)\b")[0])
    rest = street.str.replace(r"^\d+[a-z]?\b[ ,/-]*", "", regex=True)
    out["street_name"] = _clean_text(rest)
    out["date_of_birth"] = _clean_date(_column(table, "date_of_birth"))
    out["birth_year"] = _clean_text(out["date_of_birth"].astype("string").str.slice(0, 4))
    out = out.drop(columns=["street"])
    out.insert(0, _UID, range(len(table)))
    return out.reset_index(drop=True)


def _arrow(records: pd.DataFrame) -> pa.Table:
    """Typed for DuckDB: a column that is empty throughout is still text."""
    schema = pa.schema([(c, pa.int64() if c == _UID else pa.string()) for c in records.columns])
    return pa.Table.from_pandas(records, schema=schema, preserve_index=False)


def em_probe_proportion(records: int) -> float:
    """The share of records Splink's EM pair-count probe blocks (see the module doc).

    Splink's default, 1 % of each side, sees 1e-4 of the pairs: on 10,000 records
    that is a handful of pairs or none (and with none Splink skips the cap). About
    `_PROBE_RECORDS` records per side keeps the estimate usable at any size.
    """
    return min(1.0, max(0.01, _PROBE_RECORDS / max(records, 1)))


def _settings(link_type: str) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = [
        cl.NameComparison("first_name"),
        cl.NameComparison("last_name"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                 datetime_format="%Y%m%d", invalid_dates_as_null=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("street_name", [0.9]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("city", [0.9]).configure(term_frequency_adjustments=True),
        cl.ExactMatch("region"),
    ]
    blocking = [
        block_on("first_name", "last_name"),
        "l.first_name = r.last_name and l.last_name = r.first_name",
        block_on("date_of_birth"),
        block_on("postcode", "last_name"),
        block_on("postcode", "first_name"),
        block_on("street_name", "street_number"),
        block_on("city", "first_name"),
        block_on("last_name", "birth_year"),
    ]
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name=_UID,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def run_splink(table: pd.DataFrame, *, em_max_pairs: int | None = None,
               u_max_pairs: int = 2_000_000, threshold: float = 0.95, seed: int = 1,
               link_type: str = "dedupe_only") -> dict[str, Any]:
    """Train Splink on `table`, predict, cluster at `threshold`.

    `link_type` "dedupe_only" dedupes all records as one table (whatever their
    source); "link_only" links the records of one `source` to those of the other
    and needs at most two sources; "link_and_dedupe" registers one table per
    source. An input of one source is deduplicated whatever `link_type` says. Returns
    `clusters` (`record_id, cluster_id`, one row per input row, in input order),
    `stage_seconds` (load, training, predict, cluster) and `seconds` (their sum).
    """
    import duckdb
    from splink import DuckDBAPI, Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    if link_type not in LINK_TYPES:
        raise ValueError(f"unknown link_type {link_type!r}; known: {', '.join(LINK_TYPES)}")
    stages: dict[str, float] = {}

    started = time.perf_counter()
    records = standardise(table)
    source = _column(table, "source").fillna("input").astype(str).to_numpy()
    sources = list(dict.fromkeys(source))
    if link_type == "link_only" and len(sources) > 2:
        raise ValueError(f"link_only needs exactly two sources; the input has {len(sources)}")
    if link_type != "dedupe_only" and len(sources) < 2:
        link_type = "dedupe_only"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    if link_type == "dedupe_only":
        inputs = [db_api.register(_arrow(records), dataset_display_name="records")]
    else:
        inputs = [db_api.register(_arrow(records[source == name]),
                                  dataset_display_name=f"source_{i}")
                  for i, name in enumerate(sources)]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], _settings(link_type),
                    log_level=logging.WARNING)
    stages["load"] = time.perf_counter() - started

    started = time.perf_counter()
    training = linker.training
    # Rules on columns the input leaves empty throughout make no pairs: skip them.
    populated = {c for c in records.columns if records[c].notna().any()}
    deterministic = [block_on(*cols) for cols in DETERMINISTIC_RULES if set(cols) <= populated]
    if deterministic:
        training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    probe = em_probe_proportion(len(records))
    for cols in EM_RULES:
        if not set(cols) <= populated:
            continue
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), estimate_without_term_frequencies=True,
                max_pairs=em_max_pairs, record_sample_proportion=probe)
        except EMTrainingException as err:  # the rule made no pairs on this input
            log.warning("splink EM on %s skipped: %s", "+".join(cols), str(err)[:200])
    stages["training"] = time.perf_counter() - started

    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold,
                                           warning_mode="never")
    stages["predict"] = time.perf_counter() - started

    started = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)
    cluster_of = clustered.as_duckdbpyrelation().select(f"{_UID}, cluster_id").df()
    cluster_ids = cluster_of.set_index(_UID)["cluster_id"].reindex(records[_UID])
    if cluster_ids.isna().any():
        raise RuntimeError(f"splink left {int(cluster_ids.isna().sum())} records unclustered")
    clusters = pd.DataFrame({"record_id": table["record_id"].to_numpy(),
                             "cluster_id": cluster_ids.astype(str).to_numpy()})
    con.close()
    stages["cluster"] = time.perf_counter() - started

    stages = {k: round(v, 3) for k, v in stages.items()}
    return {"clusters": clusters, "stage_seconds": stages,
            "seconds": round(sum(stages.values()), 3), "link_type": link_type}


def score(table: pd.DataFrame, clusters: pd.DataFrame, truth_column: str) -> dict[str, Any]:
    """Pairwise precision / recall / F1 of `clusters` by cdpkit's own scorer."""
    from identity.evaluate import pairwise_scores
    from identity.interface import DEFAULT_SOURCE

    source = _column(table, "source").fillna(DEFAULT_SOURCE).astype(str).to_numpy()
    record_id = table["record_id"].astype(str).to_numpy()
    crosswalk = pd.DataFrame({"source": source, "source_id": record_id,
                              "golden_id": clusters["cluster_id"].to_numpy()})
    known = table[truth_column].notna().to_numpy()
    truth = pd.DataFrame({"source": source, "source_id": record_id,
                          "person_id": table[truth_column].astype(str).to_numpy()})[known]
    scores = pairwise_scores(crosswalk, truth, collections=None)
    return {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4),
            "f1": round(scores.f1, 4), "records": scores.records}


def peak_mb() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    """One Splink case in this process; its figures as one JSON line on stdout."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.splink_runner")
    parser.add_argument("--input", type=Path, required=True, help="parquet or CSV, all text")
    parser.add_argument("--truth-column", default="true_id")
    parser.add_argument("--em-max-pairs", type=int, default=None)
    parser.add_argument("--u-max-pairs", type=int, default=2_000_000)
    parser.add_argument("--threshold", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--link-type", choices=LINK_TYPES, default="dedupe_only")
    parser.add_argument("--case", default=None, help="label (default: the input's name)")
    args = parser.parse_args(argv)

    from identity.interface import read_table

    table = read_table(args.input)
    if args.truth_column not in table.columns:
        parser.error(f"no truth column {args.truth_column!r} in {args.input}")
    # Anything Splink or DuckDB might print goes to stderr: stdout's last line is the result.
    with contextlib.redirect_stdout(sys.stderr):
        run = run_splink(table, em_max_pairs=args.em_max_pairs, u_max_pairs=args.u_max_pairs,
                         threshold=args.threshold, seed=args.seed, link_type=args.link_type)
        figures = score(table, run["clusters"], args.truth_column)
    label = args.case or args.input.stem
    result = {"case": f"splink {label} ({run['link_type']})", **figures,
              "seconds": run["seconds"], "stage_seconds": run["stage_seconds"],
              "em_max_pairs": args.em_max_pairs, "peak_mb": peak_mb()}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
