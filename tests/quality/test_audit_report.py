"""`cdpkit audit`: a real DuckDB warehouse and a real Dagster instance in, an HTML report out,
read back the way a person sees it: rendered by headless Chromium.

The warehouse holds crafted governance rows (an overdue pending request, an erased one
with its proof, a failed one, one completed before the period) and a consent ledger
with addresses in it; the Dagster instance holds the evaluations of three checks over
two runs. Every address of the fixture must stay out of the page.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckResult, DagsterInstance, asset, asset_check, materialize

from cdpkit.cli import main
from tests.browser import CHROMIUM_FLAGS as BASE_FLAGS
from tests.browser import chromium

CHROMIUM_FLAGS = BASE_FLAGS
EMAILS = ("ann.lee@example.com", "bob@example.org", "carol+news@example.net",
          "dave@example.com", "erin@example.com")
RECORD_IDS = ("shop-cust-90001", "mc-member-90002")
EMAIL_SHAPE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
SINCE = (NOW - timedelta(days=30)).date().isoformat()


def digest(text: str) -> str:
    return hashlib.sha256(f"salt:{text}".encode()).hexdigest()


# --- the warehouse -------------------------------------------------------------------------

# id, kind, hash, requester, reason, requested, due, status, completed, golden ids, rows, detail
REQUESTS = [
    ("er-overdue", "email", digest(EMAILS[0]), EMAILS[0], "asked by phone, Ann Lee",
     NOW - timedelta(days=40), NOW - timedelta(days=10), "pending", None, '["g-1"]', None, None),
    ("er-erased", "email", digest(EMAILS[1]), "dpo@shop.example", "customer request",
     NOW - timedelta(days=5), NOW + timedelta(days=25), "erased",
     NOW - timedelta(days=5) + timedelta(hours=2, minutes=30), '["g-2", "g-3"]', 7,
     "erased 7 rows in 2 tables"),
    ("er-failed", "golden_id", digest("g-4"), "dpo@shop.example", "customer request",
     NOW - timedelta(days=3), NOW + timedelta(days=27), "failed",
     NOW - timedelta(days=3) + timedelta(hours=1), '["g-4"]', 1,
     f"raw_erp.partners kept 2 rows of {EMAILS[2]} (hash {digest('g-4')})"),
    ("er-old", "email", digest(EMAILS[3]), EMAILS[3], "customer request",
     NOW - timedelta(days=100), NOW - timedelta(days=70), "erased",
     NOW - timedelta(days=99), '["g-5"]', 2, None),
]
PROOF = [  # request, table, rows erased, verification sql, rows left, verified
    ("er-erased", "raw_shop.customers", 4,
     f"select count(*) from raw_shop.customers where email = '{EMAILS[1]}'", 0),
    ("er-erased", "marts.dim_customers", 3,
     "select count(*) from marts.dim_customers where golden_id in ('g-2', 'g-3')", 0),
    ("er-failed", "raw_erp.partners", 1,
     f"select count(*) from raw_erp.partners where email_sha256 = '{digest('g-4')}'", 2),
    ("er-old", "raw_shop.customers", 2, "select count(*) from raw_shop.customers where 0", 0),
]
LEDGER = [  # source, record id, email, channel, action, event_at
    ("shop", RECORD_IDS[0], EMAILS[0], "email", "granted", NOW - timedelta(days=2)),
    ("shop", "shop-cust-2", EMAILS[3], "email", "granted", NOW - timedelta(days=20)),
    ("shop", "shop-cust-3", EMAILS[4], "email", "withdrawn", NOW - timedelta(days=1)),
    ("email", RECORD_IDS[1], EMAILS[1], "email", "withdrawn", NOW - timedelta(days=4)),
    ("email", "mc-member-2", EMAILS[2], "email", "undeliverable", NOW - timedelta(days=6)),
    ("shop", "shop-cust-4", EMAILS[4], "sms", "granted", NOW - timedelta(days=8)),
    ("erp", "erp-partner-1", EMAILS[3], "email", "withdrawn", NOW - timedelta(days=9)),
    ("shop", "shop-cust-5", EMAILS[2], "email", "granted", NOW - timedelta(days=60)),  # before
    ("shop", "shop-cust-6", EMAILS[0], "sms", "not_granted", None),  # undated
]


def build_warehouse(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema governance;
            create table governance.erasure_requests (request_id varchar, subject_kind varchar,
                subject_hash varchar, requester varchar, reason varchar, requested_at timestamp,
                due_at timestamp, status varchar, completed_at timestamp, golden_ids varchar,
                rows_erased bigint, detail varchar);
            create table governance.erasure_proof (request_id varchar, table_name varchar,
                rows_erased bigint, verification_sql varchar, rows_left bigint,
                verified_at timestamp);
            create schema marts;
            create table marts.consent_ledger (event_key varchar, source varchar,
                source_record_id varchar, applies_to varchar, email_normalized varchar,
                channel varchar, purpose varchar, action varchar, is_explicit boolean,
                method varchar, opt_in_level varchar, source_status varchar,
                event_at timestamp, recorded_at timestamp);
        """)
        con.executemany("insert into governance.erasure_requests values "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", REQUESTS)
        completed = {r[0]: r[8] for r in REQUESTS}
        con.executemany("insert into governance.erasure_proof values (?, ?, ?, ?, ?, ?)",
                        [(*p, completed[p[0]]) for p in PROOF])
        con.executemany(
            "insert into marts.consent_ledger values (?, ?, ?, 'record', ?, ?, 'marketing', ?, "
            "true, 'api', null, ?, ?, ?)",
            [(f"k{i}", source, record, email, channel, action, action, event_at, NOW)
             for i, (source, record, email, channel, action, event_at) in enumerate(LEDGER)])


# --- the Dagster instance ------------------------------------------------------------------

RUNS = {"n": 0}


@asset(key_prefix=["marts"])
def orders() -> int:
    RUNS["n"] += 1
    return RUNS["n"]


@asset_check(asset=orders)
def orders_have_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=orders)
def emails_well_formed() -> AssetCheckResult:
    return AssetCheckResult(passed=False, metadata={"failing_rows": 3})


@asset_check(asset=orders)
def keys_unique() -> AssetCheckResult:
    return AssetCheckResult(passed=RUNS["n"] > 1)  # fails on the first run only


def record_check_history(home: Path) -> None:
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    RUNS["n"] = 0
    with DagsterInstance.from_config(str(home)) as instance:
        for _ in range(2):
            materialize([orders, orders_have_rows, emails_well_formed, keys_unique],
                        instance=instance, raise_on_error=False)


# --- reading the page back -----------------------------------------------------------------

@dataclass
class Page(HTMLParser):
    """The text a reader sees, the headings, and each table (by id) as rows of cell text."""

    text: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    svg_titles: list[str] = field(default_factory=list)
    _stack: list[str] = field(default_factory=list)
    _table: str | None = None
    _cell: list[str] | None = None
    _row: list[str] | None = None
    _heading: list[str] | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        if tag == "table":
            self._table = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append(" ".join(" ".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._stack[-1:] == ["style"]:
            return
        if self._stack[-2:] == ["svg", "title"]:
            self.svg_titles.append(data)
        for sink in (self.text, self._cell, self._heading):
            if sink is not None:
                sink.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def rows(self, table: str) -> list[list[str]]:
        return self.tables[table][1:]  # without the header row


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60, check=True)


@dataclass(frozen=True)
class Audit:
    report: Path
    html: str
    dom: str
    stdout: str
    tmp: Path


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    tmp = tmp_path_factory.mktemp("audit")
    warehouse, home, report = tmp / "cdp.duckdb", tmp / "dagster_home", tmp / "out/report.html"
    build_warehouse(warehouse)
    record_check_history(home)
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
        env.setenv("DAGSTER_HOME", str(home))
        code = main(["audit", "--since", SINCE, "--output", str(report),
                     "--warehouse", str(warehouse)])
    assert code == 0
    dom = run_chromium(tmp / "profile", "--dump-dom", report.resolve().as_uri()).stdout
    return Audit(report, report.read_text(), dom, out.getvalue(), tmp)


# --- the tests -----------------------------------------------------------------------------

def test_cli_prints_where_and_the_summary(audit: Audit) -> None:
    assert f"wrote {audit.report}" in audit.stdout
    assert "1 pending, 1 overdue, 1 erased, 1 failed" in audit.stdout
    assert "consent events    7" in audit.stdout
    assert "3 passed, 3 failed; 1 of 3 checks failing now" in audit.stdout


def test_header_states_period_generation_warehouse_and_figures(audit: Audit) -> None:
    page = parse(audit.dom)
    text = page.all_text
    assert "Compliance audit" in page.headings
    assert f"Period {SINCE} 00:00 to " in text
    assert "Generated " in text and f"{audit.tmp / 'cdp.duckdb'}" in text
    for figure in ("1 pending", "1 overdue", "1 erased", "1 failed", "7 in the period",
                   "3 passed", "3 failed", "1 failing now"):
        assert figure in text, figure
    for heading in ("Erasure requests", "Consent changes", "Quality checks",
                    "Check outcomes over time", "Proof of erasure"):
        assert heading in page.headings


def test_erasure_requests_with_status_timing_overdue_and_proof(audit: Audit) -> None:
    page = parse(audit.dom)
    rows = {row[0]: row for row in page.rows("erasure-requests")}
    assert set(rows) == {"er-overdue", "er-erased", "er-failed"}  # er-old ended before
    overdue, erased, failed = rows["er-overdue"], rows["er-erased"], rows["er-failed"]
    assert overdue[4] == "pending" and overdue[7] == "overdue by 10 d"
    assert overdue[5] == "—" and overdue[6] == "—" and overdue[9] == "no proof"
    assert erased[4] == "erased" and erased[6] == "2 h 30 min" and erased[7] == "on time"
    assert erased[8:] == ["7", "verified 2 tables"]
    assert failed[4] == "failed" and failed[9] == "2 rows left 1 table"
    assert "er-erased erased 2 golden ids" in page.headings
    assert erased[1] == f"email {digest(EMAILS[1])[:12]}…"

    proof = page.rows("proof-request-er-erased")
    assert [(r[0], r[1], r[2]) for r in proof] == [("marts.dim_customers", "3", "0"),
                                                   ("raw_shop.customers", "4", "0")]
    assert "golden_id in ('g-2', 'g-3')" in proof[0][4]
    assert "[email redacted]" in proof[1][4]
    assert [(r[0], r[1], r[2]) for r in page.rows("proof-request-er-failed")] == [
        ("raw_erp.partners", "1", "2")]
    assert "proof-request-er-overdue" not in page.tables
    assert "not carried out yet" in page.all_text
    assert "er-old" not in page.all_text


def test_consent_changes_by_channel_source_and_action(audit: Audit) -> None:
    page = parse(audit.dom)
    table = page.tables["consent-changes"]
    assert table[0] == ["Channel", "Source", "granted", "withdrawn", "undeliverable", "Total"]
    assert table[1:] == [
        ["email", "email", "0", "1", "1", "2"],
        ["email", "erp", "0", "1", "0", "1"],
        ["email", "shop", "2", "1", "0", "3"],  # the grant 60 days ago is before the period
        ["sms", "shop", "1", "0", "0", "1"],
        ["All", "3", "3", "1", "7"],
    ]
    assert "1 ledger rows carry no event time" in page.all_text


def test_check_history_failing_first_with_counts(audit: Audit) -> None:
    page = parse(audit.dom)
    rows = [row[:5] for row in page.rows("check-history")]
    assert rows == [
        ["marts/orders", "emails_well_formed", "0", "2", "failed"],
        ["marts/orders", "keys_unique", "1", "1", "passed"],
        ["marts/orders", "orders_have_rows", "2", "0", "passed"],
    ]
    assert "1 check failing now marts/orders emails_well_formed ERROR" in page.all_text
    assert page.svg_titles == ["Asset check outcomes over time"]
    assert "<svg" in audit.dom and "3 passed and 3 failed evaluations" in audit.dom
    assert audit.html.count('fill="#c62828"') == 2 + 1  # a failed part in both runs, + legend


def test_no_personal_data_in_the_report(audit: Audit) -> None:
    for document in (audit.html, audit.dom):
        for email in EMAILS:
            assert email not in document
        assert not EMAIL_SHAPE.search(document), EMAIL_SHAPE.search(document)
        for record_id in RECORD_IDS:
            assert record_id not in document
        for request in REQUESTS:
            assert request[2] not in document  # no full subject hash
            assert request[4] not in document  # no request reason
    assert "Ann Lee" not in audit.html


def test_report_is_self_contained(audit: Audit) -> None:
    assert "<script" not in audit.html
    assert not re.search(r"""(?:src|href)=["'](?!#)""", audit.html)
    assert "@import" not in audit.html and "url(" not in audit.html


def test_screenshot_renders(audit: Audit) -> None:
    shot = audit.tmp / "report.png"
    run_chromium(audit.tmp / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                 audit.report.resolve().as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert int.from_bytes(data[16:20], "big") == 1280


def test_missing_warehouse_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["audit", "--warehouse", str(tmp_path / "nowhere.duckdb"),
                 "--output", str(tmp_path / "r.html")])
    assert code == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_a_warehouse_without_governance_or_history(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no_home"))
    report = tmp_path / "r.html"
    assert main(["audit", "--warehouse", str(warehouse), "--output", str(report)]) == 0
    text = parse(report.read_text()).all_text
    assert "No erasure requests" in text and "No consent ledger" in text
    assert f"no Dagster instance at {tmp_path / 'no_home'}" in text
    assert "No check evaluations to plot" in text
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables").fetchone()[0] == 0
    assert not (tmp_path / "no_home").exists()


def test_a_since_that_is_no_date_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    code = main(["audit", "--since", "last week", "--warehouse", str(warehouse),
                 "--output", str(tmp_path / "r.html")])
    assert code == 2 and "--since wants an ISO date" in capsys.readouterr().err


def test_plot_buckets_per_day_keep_empty_days_and_per_run_when_short() -> None:
    from quality.audit.checks import CheckEvaluation
    from quality.audit.plot import buckets

    since, now = datetime(2025, 5, 1), datetime(2025, 5, 5, 12)
    evaluations = [
        CheckEvaluation("a/b", "c", True, "ERROR", datetime(2025, 5, 1, 3), "r1"),
        CheckEvaluation("a/b", "d", False, "ERROR", datetime(2025, 5, 1, 3), "r1"),
        CheckEvaluation("a/b", "c", True, "ERROR", datetime(2025, 5, 4, 9), "r2"),
    ]
    bars, axis = buckets(evaluations, since, now)
    assert axis == "day (UTC)"
    assert [(b.label, b.passed, b.failed) for b in bars] == [
        ("05-01", 1, 1), ("05-02", 0, 0), ("05-03", 0, 0), ("05-04", 1, 0), ("05-05", 0, 0)]
    bars, axis = buckets(evaluations[:2], since, now)  # one day of data: per run
    assert axis.startswith("run") and [(b.passed, b.failed) for b in bars] == [(1, 1)]
