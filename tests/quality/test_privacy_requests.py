"""Erasure requests, the deletion plan and the CLI, on a small crafted warehouse."""

from __future__ import annotations

import stat
from datetime import datetime

import duckdb
import pytest

from cdpkit.cli import main
from quality.privacy.plan import predicate, targets
from quality.privacy.requests import (
    RequestError,
    inbox,
    one_month_after,
    record_request,
    statuses,
)
from quality.privacy.subject import Tables, resolve


@pytest.mark.parametrize(("made", "due"), [
    (datetime(2026, 1, 31, 9), datetime(2026, 2, 28, 9)),
    (datetime(2028, 1, 31, 9), datetime(2028, 2, 29, 9)),
    (datetime(2026, 12, 5, 9), datetime(2027, 1, 5, 9)),
])
def test_due_one_month_later(made, due):
    assert one_month_after(made) == due


def test_a_request_waits_in_a_private_inbox(tmp_path):
    request = record_request(tmp_path, email=" Ann@Example.COM ", requester="dpo",
                             reason="Art. 17 by email")
    ((path, waiting),) = inbox(tmp_path)
    assert waiting == request and request.subject == "ann@example.com"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    (status,) = statuses(None, tmp_path)
    assert status.status == "pending"
    assert status.overdue(datetime(2099, 1, 1)) and not status.overdue(status.requested_at)


@pytest.mark.parametrize(("kw", "message"), [
    ({"email": "a@b.co", "golden_id": "cdp_1"}, "exactly one"),
    ({}, "exactly one"),
    ({"email": "not an address"}, "not an email"),
    ({"email": "a@b.co", "reason": " "}, "reason"),
])
def test_a_request_says_what_is_missing(tmp_path, kw, message):
    with pytest.raises(RequestError, match=message):
        record_request(tmp_path, requester="dpo", **{"reason": "why", **kw})


def test_the_plan_reads_each_tables_own_keys_and_dlt_staging_copies():
    orders = predicate("raw_shop_staging.orders",
                       {"id": "VARCHAR", "customer__id": "VARCHAR", "email": "VARCHAR"})
    assert "shop_order" in orders and "shop_customer" in orders and "lower(trim" in orders
    assert predicate("raw_shop.campaigns", {"id": "VARCHAR"}) is None
    journey = predicate("marts.fct_touchpoints", {"golden_id": "VARCHAR", "source": "VARCHAR",
                                                  "reference_id": "VARCHAR"})
    # an Odoo invoice number is no order number: only Shopify gids count as orders there
    assert "'erp'" not in journey and "'shop'" in journey


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema identity; create schema raw_shop; create schema marts;
            create table identity.records (source varchar, source_id varchar, email varchar,
                                           phone_key varchar);
            create table identity.crosswalk (source varchar, source_id varchar,
                                             golden_id varchar);
            create table identity.golden_id_registry (golden_id varchar, alias_of varchar);
            insert into identity.records values
                ('shop', 'gid://shopify/Customer/1', 'ann@example.com', '+14155550100'),
                ('email', 'm1', 'ann.other@example.com', null),
                ('shop', 'gid://shopify/Customer/2', 'bob@example.com', null);
            insert into identity.crosswalk values
                ('shop', 'gid://shopify/Customer/1', 'cdp_a'), ('email', 'm1', 'cdp_a'),
                ('shop', 'gid://shopify/Customer/2', 'cdp_b');
            insert into identity.golden_id_registry values ('cdp_a', null), ('cdp_old', 'cdp_a');
            create table raw_shop.customers (id varchar, email varchar);
            insert into raw_shop.customers values ('gid://shopify/Customer/1', 'ANN@example.com'),
                ('gid://shopify/Customer/2', 'bob@example.com');
            create table raw_shop.orders (id varchar, customer__id varchar, email varchar);
            insert into raw_shop.orders values ('o1', 'gid://shopify/Customer/1', null),
                ('o2', null, 'ann.other@example.com'), ('o3', 'gid://shopify/Customer/2', null);
            create table marts.dim_customers (golden_id varchar, email varchar);
            insert into marts.dim_customers values ('cdp_a', 'ann@example.com'),
                ('cdp_old', null), ('cdp_b', 'bob@example.com');
        """)
    return path


def test_the_subject_is_every_key_they_are_held_under(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        person = resolve(con, "email", "ann@example.com")
        assert {t.table for t in targets(Tables(con))} >= {"raw_shop.orders", "marts.dim_customers"}
    assert person.of("golden_id") == {"cdp_a", "cdp_old"}
    assert person.of("email") == {"ann@example.com", "ann.other@example.com"}
    assert person.of("phone") == {"+14155550100"}
    assert person.of("shop_order") == {"o1", "o2"}
    assert "bob@example.com" not in person.of("email")


def test_forget_then_run_then_status_from_the_cli(warehouse, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    assert main(["privacy", "forget", "--golden-id", "cdp_a", "--reason", "by letter"]) == 0
    assert main(["privacy", "status", "--warehouse", str(warehouse)]) == 0
    assert "pending" in capsys.readouterr().out
    assert main(["privacy", "run", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "erased" in out and "rows left: 0" in out
    # each phase is shown as it starts, with counts and no personal value
    for phase in ("gathering the subject's records", "found 2 golden ids",
                  "deleting and verifying in", "sweeping every text column"):
        assert phase in out
    assert "ann@example.com" not in out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        left = con.execute("select golden_id from marts.dim_customers").fetchall()
        orders = con.execute("select id from raw_shop.orders").fetchall()
    assert left == [("cdp_b",)] and orders == [("o3",)]
    assert main(["privacy", "unsuppress", "--email", "ann@example.com", "--reason", "",
                 "--warehouse", str(warehouse)]) == 2
    assert main(["privacy", "unsuppress", "--email", "ann@example.com", "--reason",
                 "came back and opted in", "--warehouse", str(warehouse)]) == 0
    assert main(["privacy", "unsuppress", "--email", "ann@example.com", "--reason", "again",
                 "--warehouse", str(warehouse)]) == 1
    assert main(["privacy", "run", "--warehouse", str(tmp_path / "none.duckdb")]) == 2


def test_logs_and_data_docs_lose_the_persons_values(warehouse, tmp_path, monkeypatch, capsys):
    state = tmp_path / "state"
    monkeypatch.setenv("CDP_STATE_DIR", str(state))
    log = state / "logs" / "run.log"
    log.parent.mkdir(parents=True)
    log.write_text("ok\nunexpected value Ann@Example.com for cdp_a\nbob@example.com\n")
    assert main(["privacy", "forget", "--email", "ann@example.com", "--reason", "r"]) == 0
    assert main(["privacy", "run", "--warehouse", str(warehouse)]) == 0
    assert log.read_text() == "ok\nunexpected value [erased] for [erased]\nbob@example.com\n"
    assert "files: logs and GX Data Docs" in capsys.readouterr().out
