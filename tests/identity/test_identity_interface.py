"""The stable file interface and CLI: any input column may be missing, one row out per record."""

from __future__ import annotations

import pandas as pd
import pytest

from cdpkit.cli import main
from identity.interface import evaluate_table, read_table, resolve_table


def people() -> pd.DataFrame:
    return pd.DataFrame([
        {"record_id": "a1", "source": "shop", "first_name": "Katherine", "last_name": "Moss",
         "email": "kate.moss@example.org", "street": "12 North Main Street, Apt 4B",
         "city": "Springfield", "postcode": "62704", "country": "US",
         "date_of_birth": "1984-03-07", "truth": "p1"},
        {"record_id": "a2", "source": "erp", "full_name": "MOSS, Kate",
         "street": "12 N Main St #4b", "city": "springfield", "postcode": "62704-1234",
         "country": "US", "date_of_birth": "03/07/1984", "truth": "p1"},
        # same household: shared address and surname, another first name and birthday
        {"record_id": "a3", "source": "erp", "first_name": "Harold", "last_name": "Moss",
         "street": "12 N Main St #4b", "city": "Springfield", "postcode": "62704",
         "country": "US", "date_of_birth": "1950-11-30", "truth": "p2"},
        {"record_id": "a4", "source": "email", "first_name": "Wanda", "last_name": "Ng",
         "email": "wanda@example.com", "truth": "p3"},
    ])


def test_resolve_table_gives_one_golden_id_per_record_in_input_order() -> None:
    table = people().drop(columns=["phone"], errors="ignore")
    clusters, result = resolve_table(table)
    assert list(clusters.columns) == ["record_id", "golden_id"]
    assert clusters["record_id"].tolist() == ["a1", "a2", "a3", "a4"]
    ids = dict(zip(clusters["record_id"], clusters["golden_id"], strict=True))
    assert ids["a1"] == ids["a2"]  # name form, nickname, address spelling and date format
    assert ids["a3"] != ids["a1"] and ids["a4"] not in {ids["a1"], ids["a3"]}
    scored = result.match_edges[result.match_edges["rule"] == "probabilistic"]
    assert len(scored) == 1 and scored["match_probability"].iloc[0] >= 0.95
    assert '"date_of_birth":"day and month swapped"' in scored["evidence"].iloc[0]


def test_a_table_with_only_record_ids_is_all_singletons() -> None:
    clusters, _ = resolve_table(pd.DataFrame({"record_id": ["x", "y"]}))
    assert clusters["golden_id"].nunique() == 2


def test_missing_record_id_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="record_id"):
        resolve_table(pd.DataFrame({"email": ["a@b.c"]}))


def test_evaluate_table_scores_against_the_truth_column() -> None:
    evaluation = evaluate_table(people(), "truth")
    assert (evaluation.precision, evaluation.recall, evaluation.f1) == (1.0, 1.0, 1.0)
    assert evaluation.true_pairs == 1 and evaluation.records == 4
    assert evaluation.stage_seconds["linkage_seconds"] >= 0


def test_cli_resolve_and_evaluate(tmp_path, capsys) -> None:
    source = tmp_path / "records.csv"
    people().to_csv(source, index=False)
    out = tmp_path / "out" / "clusters.csv"
    assert main(["identity", "resolve", "--input", str(source), "--output", str(out)]) == 0
    written = pd.read_csv(out, dtype=str)
    assert written["record_id"].tolist() == ["a1", "a2", "a3", "a4"]
    assert written["golden_id"].str.startswith("cdp_").all()
    config = tmp_path / "identity.yml"
    config.write_text("matching:\n  match_threshold: 0.99\n")
    assert main(["identity", "evaluate", "--input", str(source), "--truth-column", "truth",
                 "--config", str(config), "--json"]) == 0
    assert '"f1": 1.0' in capsys.readouterr().out
    assert main(["identity", "evaluate", "--input", str(source), "--truth-column", "truth"]) == 0
    text = capsys.readouterr().out
    assert "f1         1.0000" in text
    assert "linkage=" in text and "(match_keys=" in text and "blocking=" in text


def test_link_only_on_one_source_says_what_to_do(tmp_path, capsys) -> None:
    source = tmp_path / "records.csv"
    people().drop(columns=["source"]).to_csv(source, index=False)
    config = tmp_path / "identity.yml"
    config.write_text("matching:\n  link_type: link_only\n")
    out = tmp_path / "out.csv"
    assert main(["identity", "resolve", "--input", str(source), "--output", str(out),
                 "--config", str(config)]) == 2
    assert "link_only needs two sources" in capsys.readouterr().err
    assert not out.exists()


def test_read_table_turns_empty_cells_into_none(tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("record_id,email\n1,\n2,a@b.c\n")
    table = read_table(path)
    assert table["email"].tolist() == [None, "a@b.c"]


def test_cli_resolve_applies_a_stewards_decisions(tmp_path) -> None:
    source = tmp_path / "records.csv"
    people().to_csv(source, index=False)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("left_source,left_source_id,right_source,right_source_id,decision\n"
                         "shop,a1,erp,a2,cannot_link\n")
    out = tmp_path / "clusters.csv"
    assert main(["identity", "resolve", "--input", str(source), "--output", str(out),
                 "--decisions", str(decisions)]) == 0
    ids = pd.read_csv(out, dtype=str).set_index("record_id")["golden_id"]
    assert ids["a1"] != ids["a2"]


def test_cli_resolve_with_a_state_file_keeps_golden_ids_and_resolves_only_changes(
        tmp_path, capsys) -> None:
    source, state = tmp_path / "records.csv", tmp_path / "identity.duckdb"
    config = tmp_path / "identity.yml"
    config.write_text("full_run_share: 1.0\n")  # a change of one record in four is a quarter
    first = people()
    first.iloc[:3].to_csv(source, index=False)
    out = tmp_path / "clusters.csv"
    args = ["identity", "resolve", "--input", str(source), "--output", str(out),
            "--state", str(state), "--config", str(config)]
    assert main(args) == 0
    assert "full run (no stored state (first run))" in capsys.readouterr().out
    before = pd.read_csv(out, dtype=str).set_index("record_id")["golden_id"]
    first.to_csv(source, index=False)  # Wanda arrives
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "incremental run: 1 new, 0 changed, 0 deleted" in text
    after = pd.read_csv(out, dtype=str).set_index("record_id")["golden_id"]
    assert after["a1"] == after["a2"] == before["a1"]  # Kate keeps her golden id
    assert after["a4"] not in set(before)
    assert main([*args, "--full"]) == 0
    assert "full run (a full run was asked for)" in capsys.readouterr().out
    assert pd.read_csv(out, dtype=str)["golden_id"].tolist() == after.tolist()
