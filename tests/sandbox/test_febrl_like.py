"""The FEBRL-like generator: exact shape, determinism, and FEBRL3-like corruption."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from identity.interface import read_table
from sandbox.febrl_like import (
    COLUMNS,
    FEBRL3_DISAGREEMENT,
    FIELDS,
    disagreement_rates,
    generate,
    main,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return generate(20_000, seed=11)


def _originals_of_duplicates(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    is_org = (table["record_id"] == table["true_id"]).to_numpy()
    dup = table[~is_org]
    return dup, table[is_org].set_index("true_id").loc[dup["true_id"].to_numpy()]


def test_exact_size_unique_ids_and_interface_columns(table: pd.DataFrame) -> None:
    assert len(table) == 20_000
    assert table["record_id"].is_unique
    assert tuple(table.columns) == COLUMNS
    assert all(dtype == np.dtype(object) for dtype in table.dtypes)
    for column in COLUMNS:
        kinds = {type(v) for v in table[column].to_numpy()}
        assert kinds <= {str, type(None)}, (column, kinds)
        assert not (table[column] == "").any(), column
    assert set(table["source"]) == {"A"} and set(table["country"]) == {"AU"}
    for column in ("record_id", "source", "country", "true_id", "postcode"):
        assert table[column].notna().all(), column
    dob = table["date_of_birth"].dropna()
    assert dob.str.fullmatch(r"\d{8}").all()
    street = table["street"].dropna()
    assert (street == street.str.strip()).all()
    assert table["first_name"].isna().mean() < 0.06  # missing, but not often


def test_same_seed_same_frame_other_seed_other_frame() -> None:
    first = generate(3_000, seed=5)
    pd.testing.assert_frame_equal(first, generate(3_000, seed=5))
    other = generate(3_000, seed=6)
    assert len(other) == 3_000
    assert not first.equals(other)
    assert (first["first_name"].to_numpy() != other["first_name"].to_numpy()).mean() > 0.5


@pytest.mark.parametrize(("records", "share", "most"), [(4_001, 0.5, 5), (5_000, 0.3, 3)])
def test_duplicate_share_and_cluster_sizes(records: int, share: float, most: int) -> None:
    table = generate(records, seed=2, duplicate_share=share, max_duplicates=most)
    assert len(table) == records
    is_org = table["record_id"] == table["true_id"]
    assert table.loc[is_org, "record_id"].str.endswith("-org").all()
    assert table.loc[~is_org, "record_id"].str.contains("-dup-").all()
    assert abs((~is_org).mean() - share) < 0.001
    assert set(table.loc[~is_org, "true_id"]) <= set(table.loc[is_org, "record_id"])
    per_original = table.loc[~is_org, "true_id"].value_counts()
    assert per_original.max() <= most
    assert per_original.isin([1, 2]).mean() > 0.5  # skewed: most get one or two


def test_too_many_duplicates_wanted_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot have"):
        generate(1_000, duplicate_share=0.9, max_duplicates=2)


def test_every_duplicate_differs_from_its_original(table: pd.DataFrame) -> None:
    dup, org = _originals_of_duplicates(table)
    differs = np.logical_or.reduce([dup[f].to_numpy(object) != org[f].to_numpy(object)
                                    for f in FIELDS])
    assert len(dup) == 10_000
    assert differs.all()


def test_field_disagreement_like_febrl3(table: pd.DataFrame) -> None:
    rates = disagreement_rates(table)
    for field, febrl3 in FEBRL3_DISAGREEMENT.items():
        assert 0.03 <= rates[field] <= 0.55, (field, rates[field])
        assert 0.75 * febrl3 <= rates[field] <= 1.3 * febrl3, (field, rates[field], febrl3)
    # a duplicate's name is mostly mistyped, not always replaced: names stay close
    dup, org = _originals_of_duplicates(table)
    changed = (dup["last_name"].to_numpy(object) != org["last_name"].to_numpy(object)
               ) & dup["last_name"].notna().to_numpy() & org["last_name"].notna().to_numpy()
    first_letter = (dup["last_name"].str[0].to_numpy(object)[changed]
                    == org["last_name"].str[0].to_numpy(object)[changed])
    assert 0.5 < first_letter.mean() < 0.95


def test_febrl3_reference_rates_are_febrl3s() -> None:
    from identity.febrl import febrl_table

    rates = disagreement_rates(febrl_table("febrl3"))
    assert rates == pytest.approx(FEBRL3_DISAGREEMENT, abs=0.001)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_cli_writes_a_readable_file(tmp_path: Path, suffix: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"people{suffix}"
    main(["--records", "1000", "--seed", "3", "--out", str(out)])
    printed = capsys.readouterr().out
    assert "1,000 records (500 originals, 500 duplicates)" in printed and str(out) in printed
    back = read_table(out)
    expected = generate(1_000, seed=3)
    assert list(back.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(back, expected)
