"""Audience export on a real DuckDB warehouse: only customers with current consent for
the channel go out; everyone else in the segment is counted under why; each export is
registered with its file."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from activation.audience import AudienceError, export_audience
from cdpkit.cli import main

CUSTOMERS = [
    # golden_id, email, phone, segment, email consent, can email, sms consent, can sms
    ("g1", "ann@example.com", "+4915112345678", "champions", "subscribed", True,
     "subscribed", True),
    ("g2", "ben@example.com", None, "champions", "unsubscribed", False, None, None),
    ("g3", None, "+4915112345679", "champions", "subscribed", True, "unsubscribed", False),
    ("g4", "cem@example.com", None, "champions", "cleaned", False, None, None),
    ("g5", "dan@example.com", None, "champions", None, None, None, None),
    ("g6", "eva@example.com", None, "at_risk", "subscribed", True, None, None),
    ("g7", "fay@example.com", None, "champions", "pending", False, None, None),
]


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "cdp.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_customers (golden_id varchar, email varchar, "
                    "phone varchar, first_name varchar, last_name varchar, "
                    "rfm_segment varchar)")
        con.execute("create table marts.customer_consent (golden_id varchar, channel varchar, "
                    "purpose varchar, consent_status varchar, can_contact boolean)")
        for gid, email, phone, segment, e_status, e_can, s_status, s_can in CUSTOMERS:
            con.execute("insert into marts.dim_customers values (?, ?, ?, 'First', 'Last', ?)",
                        [gid, email, phone, segment])
            for channel, status, can in (("email", e_status, e_can), ("sms", s_status, s_can)):
                if status:
                    con.execute("insert into marts.customer_consent values "
                                "(?, ?, 'marketing', ?, ?)", [gid, channel, status, can])
    return path


def rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_only_contactable_customers_of_the_segment_go_out(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as con:
        export = export_audience(con, "champions", "email", tmp_path / "out" / "a.csv")
    assert [row["golden_id"] for row in rows(export.path)] == ["g1"]
    assert export.excluded == {
        "consent withdrawn": 1, "address undeliverable": 1, "no consent signal": 1,
        "opt-in not confirmed": 1, "no email on the profile": 1}
    assert export.segment_size == 6


def test_sms_goes_to_the_phone_with_sms_consent(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as con:
        export = export_audience(con, "champions", "sms", tmp_path / "sms.csv")
    assert rows(export.path) == [{"golden_id": "g1", "phone": "+4915112345678",
                                  "first_name": "First", "last_name": "Last"}]
    assert export.excluded["consent withdrawn"] == 1
    assert export.excluded["no consent signal"] == 4


def test_every_export_is_registered_with_its_file(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as con:
        first = export_audience(con, "champions", "email", tmp_path / "a.csv")
        export_audience(con, "at_risk", "email", tmp_path / "b.csv")
        registry = con.execute("select export_id, segment, channel, path, rows_exported, "
                               "excluded from governance.audience_exports "
                               "order by exported_at").fetchall()
    assert [(r[1], r[4]) for r in registry] == [("champions", 1), ("at_risk", 1)]
    assert registry[0][0] == first.export_id and registry[0][3] == str(tmp_path / "a.csv")
    assert json.loads(registry[0][5])["consent withdrawn"] == 1


def test_an_unknown_segment_or_channel_says_what_exists(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as con:
        with pytest.raises(AudienceError, match="at_risk, champions"):
            export_audience(con, "vips", "email", tmp_path / "x.csv")
        with pytest.raises(AudienceError, match="email, sms"):
            export_audience(con, "champions", "fax", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_the_command_prints_the_exclusions_and_exits_2_on_a_bad_request(
        warehouse, tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert main(["audience", "export", "--segment", "champions", "--channel", "email",
                 "--output", str(out), "--warehouse", str(warehouse)]) == 0
    printed = capsys.readouterr().out
    assert "exported 1 of 6 customers in segment champions (email)" in printed
    assert "consent withdrawn" in printed
    assert main(["audience", "export", "--segment", "vips", "--channel", "email",
                 "--output", str(out), "--warehouse", str(warehouse)]) == 2
    assert "unknown segment 'vips'" in capsys.readouterr().err
    assert main(["audience", "export", "--segment", "champions", "--channel", "email",
                 "--output", str(out), "--warehouse", str(tmp_path / "none.duckdb")]) == 2


def test_a_person_awaiting_erasure_is_kept_out(warehouse, tmp_path):
    from quality.privacy import suppression
    from quality.privacy.suppression import Suppressions, active_hashes

    salt = b"audience-test"
    with duckdb.connect(str(warehouse)) as con:
        address = con.execute("select email from marts.dim_customers "
                              "where golden_id = 'g1'").fetchone()[0]
        suppression.add(con, salt, "er-1", [("email", address.upper())])
        export = export_audience(con, "champions", "email", tmp_path / "a.csv",
                                 Suppressions(salt, active_hashes(con)))
    assert rows(export.path) == []
    assert export.excluded["erasure requested (suppression list)"] == 1
