"""Explain: a golden id's members and each link's evidence, from frames and from the warehouse."""

from __future__ import annotations

import duckdb
import pytest
from test_identity_interface import people

from cdpkit.cli import main
from identity.explain import explain, format_explanation
from identity.interface import resolve_table
from identity.persist import write_result


def kate():
    clusters, result = resolve_table(people())
    return clusters.set_index("record_id").loc["a1", "golden_id"], result


def test_explain_lists_members_and_field_evidence_without_values() -> None:
    golden_id, result = kate()
    e = explain(result.crosswalk, result.match_edges, result.match_model, golden_id)
    assert sorted(e.members["source_id"]) == ["a1", "a2"]
    [link] = e.links
    assert link["rule"] == "probabilistic" and link["probability"] >= 0.95
    fields = {f["field"]: f for f in link["fields"]}
    assert fields["date_of_birth"]["level"] == "day and month swapped"
    assert fields["date_of_birth"]["weight"] > 0
    text = format_explanation(e)
    assert "p=" in text and "Moss" not in text and "62704" not in text


def test_unknown_golden_id_is_a_key_error() -> None:
    _, result = kate()
    with pytest.raises(KeyError):
        explain(result.crosswalk, result.match_edges, result.match_model, "cdp_nope")


def test_cli_explain_reads_the_warehouse(tmp_path, capsys) -> None:
    golden_id, result = kate()
    path = tmp_path / "cdp.duckdb"
    with duckdb.connect(str(path)) as con:
        write_result(con, result)
    assert main(["identity", "explain", golden_id, "--warehouse", str(path)]) == 0
    out = capsys.readouterr().out
    assert golden_id in out and "shop:a1" in out and "erp:a2" in out
    assert main(["identity", "explain", "cdp_nope", "--warehouse", str(path)]) == 1
