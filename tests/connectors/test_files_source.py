"""File drops into a real DuckDB through dlt: formats, quarantine, load-once, drift."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from files_helpers import (
    write_contacts_csv,
    write_jsonl,
    write_parquet,
    write_text,
)

from connectors.files import files_source


@pytest.fixture
def drops(tmp_path: Path) -> Path:
    folder = tmp_path / "drops"
    folder.mkdir()
    return folder


@pytest.fixture
def wh(warehouse):
    return warehouse("files")


def contact_ids(wh) -> list[str]:
    return [r[0] for r in wh.query("select contact_id from raw_files.crm_contacts")]


def quarantine(wh) -> list[tuple]:
    return wh.query("select file, kind, line, reason, raw from raw_files.quarantine "
                    "order by file, line")


def test_csv_jsonl_and_parquet_each_load_typed_rows(drops, wh):
    write_contacts_csv(drops, "crm_contacts_2024.csv",
                       ["c1,Ann,Lee,ann@example.com,yes,2024-05-01 10:00:00"])
    write_jsonl(drops, "crm_contacts_web.jsonl", [
        {"contact_id": "c2", "first_name": "Bob", "opted_out": False,
         "updated_at": "2024-05-02T08:30:00+02:00"},
    ])
    write_parquet(drops, "erp_partners.parquet", [
        {"id": 7, "name": "Acme", "email": "ops@acme.test", "is_company": True,
         "write_date": datetime(2024, 1, 2, 3, 4, 5)},
        {"id": 8, "name": "Bo", "email": None, "is_company": False,
         "write_date": datetime(2024, 1, 3)},
    ])

    assert wh.run(files_source(drops)) == {"crm_contacts": 2, "erp_partners": 2, "file_loads": 3}
    contacts = wh.query("select contact_id, opted_out, updated_at, _source_file, _source_line "
                        "from raw_files.crm_contacts order by contact_id")
    assert contacts == [
        ("c1", True, datetime(2024, 5, 1, 10, tzinfo=UTC), "crm_contacts_2024.csv", 2),
        ("c2", False, datetime(2024, 5, 2, 6, 30, tzinfo=UTC), "crm_contacts_web.jsonl", 1),
    ]
    partners = wh.query("select id, name, is_company, _source_line from raw_files.erp_partners "
                        "order by id")
    assert partners == [(7, "Acme", True, 1), (8, "Bo", False, 2)]
    loads = wh.query("select file, kind, rows_loaded, rows_quarantined, status "
                     "from raw_files.file_loads order by file")
    assert loads == [
        ("crm_contacts_2024.csv", "crm_contacts", 1, 0, "loaded"),
        ("crm_contacts_web.jsonl", "crm_contacts", 1, 0, "loaded"),
        ("erp_partners.parquet", "erp_partners", 2, 0, "loaded"),
    ]


def test_bad_rows_go_to_quarantine_with_file_line_and_reason(drops, wh):
    write_contacts_csv(drops, "crm_contacts.csv", [
        "c1,Ann,Lee,ann@example.com,no,2024-05-01",
        'c2,"Bob\nBobby",Ray,bob@example.com,maybe,2024-05-01',   # lines 3-4
        ",Cy,Doe,cy@example.com,no,2024-05-01",                    # line 5
        "c4,Di,Fox,di@example.com,no,2024-05-01,surplus",          # line 6
        "c5,Ed,Orr,ed@example.com,no,not-a-date",                  # line 7
        "c6,Flo,Ng,flo@example.com,yes,2024-05-03",
    ])
    write_jsonl(drops, "crm_contacts.jsonl", [
        {"contact_id": "j1", "updated_at": "2024-05-01"},
        '{"contact_id": "j2", "updated_at": ',
        "[1, 2]",
    ])

    wh.run(files_source(drops))

    assert sorted(contact_ids(wh)) == ["c1", "c6", "j1"]
    assert quarantine(wh) == [
        ("crm_contacts.csv", "crm_contacts", 3,
         "opted_out: 'maybe' is not a bool (true/false, yes/no, 1/0)",
         'c2,"Bob\nBobby",Ray,bob@example.com,maybe,2024-05-01'),
        ("crm_contacts.csv", "crm_contacts", 5, "contact_id: required value missing",
         ",Cy,Doe,cy@example.com,no,2024-05-01"),
        ("crm_contacts.csv", "crm_contacts", 6, "expected 6 fields, found 7",
         "c4,Di,Fox,di@example.com,no,2024-05-01,surplus"),
        ("crm_contacts.csv", "crm_contacts", 7,
         "updated_at: 'not-a-date' is not a timestamp (ISO 8601)",
         "c5,Ed,Orr,ed@example.com,no,not-a-date"),
        ("crm_contacts.jsonl", "crm_contacts", 2,
         "malformed JSON: Expecting value at column 36", '{"contact_id": "j2", "updated_at": '),
        ("crm_contacts.jsonl", "crm_contacts", 3, "not a JSON object but list", "[1, 2]"),
    ]
    loads = wh.query("select file, rows_loaded, rows_quarantined from raw_files.file_loads "
                     "order by file")
    assert loads == [("crm_contacts.csv", 2, 4), ("crm_contacts.jsonl", 1, 2)]
    # the line points at the record: line 7 of the file is the `not-a-date` row
    text = (drops / "crm_contacts.csv").read_text().splitlines()
    assert text[7 - 1].endswith("not-a-date")


def test_the_same_folder_twice_loads_nothing_new(drops, wh):
    write_contacts_csv(drops, "crm_contacts.csv", ["c1,Ann,Lee,a@x.test,no,2024-05-01",
                                                  "c2,Bob,Ray,b@x.test,oops,2024-05-01"])
    first = wh.run(files_source(drops))
    assert first == {"crm_contacts": 1, "quarantine": 1, "file_loads": 1}
    assert wh.run(files_source(drops)) == {}
    assert wh.query("select count(*) from raw_files.quarantine") == [(1,)]
    assert wh.query("select count(*) from raw_files.file_loads") == [(1,)]


def test_a_renamed_copy_is_not_reloaded_an_edited_file_is(drops, wh):
    original = write_contacts_csv(drops, "crm_contacts_may.csv",
                                  ["c1,Ann,Lee,a@x.test,no,2024-05-01"])
    wh.run(files_source(drops))

    shutil.copy(original, drops / "crm_contacts_may_copy.csv")
    original.rename(drops / "crm_contacts_renamed.csv")
    assert wh.run(files_source(drops)) == {}

    write_contacts_csv(drops, "crm_contacts_renamed.csv",
                       ["c1,Ann,Lee-Smith,a@x.test,yes,2024-06-01"])
    assert wh.run(files_source(drops)) == {"crm_contacts": 1, "file_loads": 1}
    assert wh.query("select contact_id, last_name, opted_out from raw_files.crm_contacts") == [
        ("c1", "Lee-Smith", True)], "merged on the primary key, not appended"
    assert wh.query("select file from raw_files.file_loads order by loaded_at, file") == [
        ("crm_contacts_may.csv",), ("crm_contacts_renamed.csv",)]


def test_a_file_matching_no_kind_is_quarantined_whole_once(drops, wh):
    write_text(drops, "inventory.csv", "sku,qty\nA,1\n")
    assert wh.run(files_source(drops)) == {"quarantine": 1, "file_loads": 1}
    assert quarantine(wh) == [
        ("inventory.csv", "_unmatched", 0, "file name matches no declared kind", None)]
    assert wh.query("select status from raw_files.file_loads") == [("rejected",)]
    assert wh.run(files_source(drops)) == {}, "recorded: not retried every sync"

    # renamed so that it routes to a kind, the same content is new for that kind
    (drops / "inventory.csv").rename(drops / "crm_contacts_fixed.csv")
    wh.run(files_source(drops))
    reasons = [r[3] for r in quarantine(wh) if r[0] == "crm_contacts_fixed.csv"]
    assert reasons == ["header lacks required columns: contact_id, updated_at"]


def test_whole_file_problems_are_one_entry_at_line_zero(drops, wh):
    write_text(drops, "erp_partners.csv", "id,email\n1,a@x.test\n")
    write_text(drops, "erp_partners_broken.parquet", "this is not parquet")
    write_text(drops, "crm_contacts.xlsx", "binary")
    write_text(drops, "crm_contacts_empty.csv", "")
    wh.run(files_source(drops))
    entries = [(f, line, reason) for f, _, line, reason, _ in quarantine(wh)]
    assert entries[:3] == [
        ("crm_contacts.xlsx", 0, "kind crm_contacts: unsupported file type "
                                 "(use .csv, .jsonl, .ndjson or .parquet, optionally .gz)"),
        ("crm_contacts_empty.csv", 0, "empty file: no header row"),
        ("erp_partners.csv", 0, "header lacks required columns: name, write_date"),
    ]
    (broken_file, line, reason), = entries[3:]
    assert (broken_file, line) == ("erp_partners_broken.parquet", 0)
    assert reason.startswith("unreadable Parquet file:")
    assert wh.query("select status from raw_files.file_loads where file = 'erp_partners.csv'") \
        == [("rejected",)]
    assert wh.query("select count(*) from raw_files.erp_partners") == [(0,)]


def test_a_new_column_lands_as_a_new_column(drops, wh):
    write_contacts_csv(drops, "crm_contacts_1.csv", ["c1,Ann,Lee,a@x.test,no,2024-05-01"])
    wh.run(files_source(drops))
    assert "loyalty_tier" not in wh.columns("crm_contacts")

    write_text(drops, "crm_contacts_2.csv",
               "Contact_ID,first_name,updated_at,Loyalty Tier\nc2,Bob,2024-05-02,gold\n")
    wh.run(files_source(drops))
    assert "loyalty_tier" in wh.columns("crm_contacts")
    assert wh.query("select contact_id, loyalty_tier from raw_files.crm_contacts "
                    "order by contact_id") == [("c1", None), ("c2", "gold")]


def test_csv_tolerates_a_bom_blank_lines_gzip_and_subfolders(drops, wh):
    import gzip

    (drops / "2024-05").mkdir()
    text = "\ufeffcontact_id,updated_at\r\nc1,2024-05-01\r\n\r\nc2,2024-05-02\r\n"
    (drops / "2024-05" / "crm_contacts.csv").write_bytes(text.encode("utf-8"))
    with gzip.open(drops / "crm_contacts_z.jsonl.gz", "wt") as handle:
        handle.write('{"contact_id": "c3", "updated_at": "2024-05-03"}\n')
    write_text(drops, ".crm_contacts_hidden.csv", "junk")
    write_text(drops, "crm_contacts_partial.csv.part", "junk")
    wh.run(files_source(drops))
    assert wh.query("select contact_id, _source_file, _source_line from raw_files.crm_contacts "
                    "order by 1") == [("c1", "2024-05/crm_contacts.csv", 2),
                                      ("c2", "2024-05/crm_contacts.csv", 4),
                                      ("c3", "crm_contacts_z.jsonl.gz", 1)]
    assert quarantine(wh) == []


def test_invalid_bytes_quarantine_the_row_not_the_file(drops, wh):
    good = b"contact_id,last_name,updated_at\nc1,Muller,2024-05-01\n"
    bad = "c2,M\xfcller,2024-05-01\n".encode("latin-1")
    (drops / "crm_contacts.csv").write_bytes(good + bad)
    wh.run(files_source(drops))
    assert contact_ids(wh) == ["c1"]
    assert [(r[2], r[3]) for r in quarantine(wh)] == [(3, "not valid utf-8")]


def test_the_newest_version_of_a_key_wins_within_one_load(drops, wh):
    write_contacts_csv(drops, "crm_contacts.csv", [
        "c1,Ann,New,a@x.test,no,2024-06-01",
        "c1,Ann,Old,a@x.test,no,2024-05-01",
    ])
    wh.run(files_source(drops))
    assert wh.query("select last_name from raw_files.crm_contacts") == [("New",)]


def test_kinds_declared_in_a_yaml_file(drops, wh, tmp_path):
    kinds = write_text(tmp_path, "kinds.yaml", """
kinds:
  shop_returns:
    patterns: ["returns_*"]
    primary_key: [return_id]
    csv: {delimiter: ";", encoding: latin-1}
    columns:
      return_id: {type: bigint, required: true}
      amount: double
      returned_on: date
""")
    (drops / "returns_may.csv").write_bytes(
        "return_id;amount;returned_on;note\n1;12.5;2024-05-01;Küche\n2;1_0;2024-05-02;x\n"
        .encode("latin-1"))
    wh.run(files_source(drops, kinds_file=kinds))
    assert wh.query("select return_id, amount, returned_on, note from raw_files.shop_returns") \
        == [(1, 12.5, datetime(2024, 5, 1).date(), "Küche")]
    assert [(r[2], r[3]) for r in quarantine(wh)] == [(3, "amount: '1_0' is not a number")]


def test_one_table_synced_alone_leaves_the_file_pending_for_the_others(drops, wh):
    write_contacts_csv(drops, "crm_contacts.csv", ["c1,Ann,Lee,a@x.test,no,2024-05-01",
                                                  "c2,Bob,Ray,b@x.test,bad,2024-05-01"])
    assert wh.run(files_source(drops).with_resources("crm_contacts")) == {"crm_contacts": 1}
    assert wh.run(files_source(drops)) == {"quarantine": 1, "file_loads": 1}
    assert wh.run(files_source(drops)) == {}


def test_a_missing_folder_loads_nothing_but_creates_the_tables(tmp_path, wh):
    assert wh.run(files_source(tmp_path / "nowhere")) == {}
    assert "reason" in wh.columns("quarantine")
    assert "contact_id" in wh.columns("crm_contacts")


def test_a_sync_killed_before_its_load_ends_with_nothing_lost_or_doubled(drops, wh):
    write_contacts_csv(drops, "crm_contacts.csv", ["c1,Ann,Lee,a@x.test,no,2024-05-01",
                                                  "c2,Bob,Ray,b@x.test,bad,2024-05-01"])
    # extracted and normalised, then the process dies before the load
    wh.pipeline.extract(files_source(drops))
    wh.pipeline.normalize()
    write_contacts_csv(drops, "crm_contacts_2.csv", ["c3,Cy,Doe,c@x.test,no,2024-05-02"])

    # a new process: the pending package loads first, then only the new file is read
    from connectors.pipeline import make_pipeline

    again = make_pipeline("files", wh.path, wh.pipes)
    again.run(files_source(drops))
    assert sorted(contact_ids(wh)) == ["c1", "c3"]
    assert wh.query("select count(*) from raw_files.quarantine") == [(1,)]
    assert wh.query("select file from raw_files.file_loads order by file") == [
        ("crm_contacts.csv",), ("crm_contacts_2.csv",)]

    # state restored from the warehouse (as dagster-dlt does) knows both files too
    again.drop()
    restored = make_pipeline("files", wh.path, wh.pipes)
    restored.run(files_source(drops))
    assert restored.last_trace.last_normalize_info.row_counts.get("crm_contacts", 0) == 0


def test_the_drop_folder_comes_from_cdp_drop_dir(drops, monkeypatch, tmp_path):
    from cdpkit.sync import SyncRequest, run_sync

    write_contacts_csv(drops, "crm_contacts.csv", ["c1,Ann,Lee,a@x.test,no,2024-05-01"])
    monkeypatch.setenv("CDP_DROP_DIR", str(drops))
    request = SyncRequest(warehouse=tmp_path / "cli.duckdb", state_dir=tmp_path / "state",
                          source="files", stream="crm_contacts")
    (outcome,) = run_sync(request)
    assert outcome.rows == {"crm_contacts": 1}
