"""Records with an empty primary key are quarantined with a reason, never dropped.

The step alone on lists of dicts (tweets and their authors included), a real dlt
pipeline into DuckDB, and the shop and ERP connectors against their simulators
on loopback, serving a world with keyless records planted in it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from conn_helpers import FAST_RETRY
from dlt.extract.items import DataItemWithMeta, TableNameMeta

from cdpkit.cli import main
from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from connectors.arrow_batches import ArrowWhenFits
from connectors.erp import erp_source
from connectors.parsed_timestamps import TimestampsParsed
from connectors.quarantine import (
    NullKeyQuarantine,
    place_row_step,
    quarantine_null_keys,
    quarantined_counts,
)
from connectors.shop import shop_source
from connectors.social.source import TWEET_COLUMNS, _tweet_batches, _user_hints
from sandbox.simulators import start_erp, start_shop
from sandbox.world import generate_world

SHOP_TOKEN = "shpat_quarantine_test"
ERP_KEY = "odoo_quarantine_test"


def run_step(step: NullKeyQuarantine, item: Any, meta: Any = None) -> list[Any]:
    """What the step hands on, as dlt would receive it: a list of items."""
    out = step(item, meta)
    if isinstance(out, list | dict | DataItemWithMeta):
        return [out]
    return list(out)


# -- the step on lists of dicts -------------------------------------------------------

def test_a_clean_batch_passes_untouched():
    rows = [{"id": "a"}, {"id": 0}, {"id": "c", "x": None}]
    step = NullKeyQuarantine("customers", ("id",))
    assert step(rows) is rows
    assert not step.counts


def test_rows_with_an_empty_key_leave_the_batch_with_their_reason():
    rows = [{"id": "a", "n": 1}, {"id": None, "n": 2}, {"n": 3}, {"id": "", "n": 4},
            {"id": False, "n": 5}, {"id": 0, "n": 6}]
    step = NullKeyQuarantine("customers", ("id",))
    kept, quarantined = run_step(step, rows)
    assert kept == [{"id": "a", "n": 1}, {"id": 0, "n": 6}]  # 0 is a key, False is Odoo's empty
    assert isinstance(quarantined, DataItemWithMeta)
    hints = quarantined.meta.hints
    assert (hints["table_name"], hints["write_disposition"]) == ("quarantine", "append")
    assert quarantined.meta.create_table_variant
    got = [(q["stream"], q["reason"], json.loads(q["record"])) for q in quarantined.data]
    assert got == [
        ("customers", "primary key id is null", {"id": None, "n": 2}),
        ("customers", "primary key id is missing", {"n": 3}),
        ("customers", "primary key id is empty", {"id": "", "n": 4}),
        ("customers", "primary key id is null", {"id": False, "n": 5}),
    ]
    assert all(q["quarantined_at"].tzinfo is not None for q in quarantined.data)
    assert step.counts == {"customers": 4}
    assert len(kept) + len(quarantined.data) == len(rows)


def test_a_batch_of_only_keyless_rows_yields_only_the_quarantine():
    step = NullKeyQuarantine("members", ("id",))
    (quarantined,) = run_step(step, [{"email_address": "a@example.com"}])
    assert quarantined.data[0]["reason"] == "primary key id is missing"
    # a single row (not a list) is checked too
    (single,) = run_step(step, {"id": None})
    assert single.meta.hints["table_name"] == "quarantine"
    assert step.counts == {"members": 2}


def test_a_composite_key_is_empty_when_any_part_is():
    step = NullKeyQuarantine("email_activity", ("campaign_id", "email_id", "action"))
    rows = [{"campaign_id": "c", "email_id": "e", "action": "open"},
            {"campaign_id": "c", "email_id": None, "action": "open"}]
    kept, quarantined = run_step(step, rows)
    assert kept == rows[:1]
    assert quarantined.data[0]["reason"] == "primary key email_id is null"


def test_tweets_and_their_authors_are_checked_against_their_own_tables():
    tweet_hints = dlt.mark.make_hints(table_name="tweets", primary_key="id",
                                      write_disposition="merge", columns=TWEET_COLUMNS)
    user_hints = dlt.mark.make_hints(table_name="users", **_user_hints())
    tweets = [{"id": "1", "text": "hi"}, {"id": None, "text": "keyless"}]
    authors = [{"id": "u1", "name": "A"}, {"name": "no id"}, {"id": "", "name": "empty"}]
    step = NullKeyQuarantine("tweets", ("id",))
    handed_on = []
    for batch in _tweet_batches(tweets, authors, tweet_hints, user_hints):
        for out in run_step(step, batch.data, batch.meta):
            handed_on.append(out)
    kept_tweets, q_tweets, kept_users, q_users = handed_on
    # kept rows are yielded bare: dlt gives them the meta (hints) they came with
    assert kept_tweets == tweets[:1] and kept_users == authors[:1]
    assert [q["stream"] for q in q_tweets.data] == ["tweets"]
    assert [(q["stream"], q["reason"]) for q in q_users.data] == [
        ("users", "primary key id is missing"), ("users", "primary key id is empty")]
    assert step.counts == {"tweets": 1, "users": 2}
    # an item dispatched by table name only keeps the resource's key
    (out,) = run_step(step, [{"id": None}], TableNameMeta("mentions"))
    assert out.data[0]["stream"] == "mentions"
    # the quarantine's own rows are never checked again
    assert step([{"stream": "x"}], TableNameMeta("quarantine")) == [{"stream": "x"}]


# -- placement: after dlt's incremental, before the steps that reshape rows ----------------

class LaterRowStep(NullKeyQuarantine):
    """Another row step (the suppression step will be one), placed with `place_row_step`."""


def keyed_resource() -> Any:
    @dlt.resource(name="things", primary_key="id", write_disposition="merge")
    def things(updated=dlt.sources.incremental("updated_at")):  # noqa: B008 - dlt idiom
        yield [{"id": 1, "updated_at": "2025-01-01T00:00:00Z"}]

    return things.add_step(TimestampsParsed(("updated_at",))).add_step(ArrowWhenFits())


def test_row_steps_run_after_the_incremental_in_the_order_they_were_placed():
    resource = keyed_resource()
    (step,) = quarantine_null_keys([resource], "test")
    later = LaterRowStep("things", ("id",))
    place_row_step(resource, later)
    names = [type(s).__name__ for s in resource._pipe.steps]
    assert names == ["function", "IncrementalResourceWrapper", "NullKeyQuarantine",
                     "LaterRowStep", "TimestampsParsed", "ArrowWhenFits"]
    assert step.key == ("id",)  # read from dlt's hints, not named here
    # applying it twice adds nothing
    assert quarantine_null_keys([resource], "test") == [step]
    assert len(resource._pipe.steps) == 6


def test_a_real_load_puts_keyless_tweets_and_authors_in_quarantine(tmp_path):
    """The tweets resource's shape (table variants) through dlt into DuckDB."""
    tweet_hints = dlt.mark.make_hints(table_name="tweets", primary_key="id",
                                      write_disposition="merge", columns=TWEET_COLUMNS)
    user_hints = dlt.mark.make_hints(table_name="users", **_user_hints())
    tweets = [{"id": str(i), "text": f"t{i}", "author_id": "u1"} for i in range(5)]
    tweets.append({"id": None, "text": "a keyless mention", "author_id": "u1"})
    authors = [{"id": "u1", "name": "A"}, {"id": None, "name": "B"}]

    @dlt.resource(name="tweets", primary_key="id", write_disposition="merge")
    def mentions():
        yield from _tweet_batches(tweets, authors, tweet_hints, user_hints)

    @dlt.source(name="social")
    def social():
        resources = [mentions.add_step(ArrowWhenFits())]
        quarantine_null_keys(resources, "social")
        return resources

    source = social()
    pipeline = dlt.pipeline("quarantine_unit", destination=dlt.destinations.duckdb(
        str(tmp_path / "w.duckdb")), dataset_name="raw_social", pipelines_dir=str(tmp_path))
    pipeline.run(source)
    assert quarantined_counts(source) == {"tweets": 1, "users": 1}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), count(id) from raw_social.tweets").fetchone() == (5, 5)
        assert con.execute("select count(*) from raw_social.users").fetchone() == (1,)
        held = con.execute("select stream, reason, record from raw_social.quarantine "
                           "order by stream").fetchall()
    assert [(s, r) for s, r, _ in held] == [("tweets", "primary key id is null"),
                                            ("users", "primary key id is null")]
    assert json.loads(held[0][2])["text"] == "a keyless mention"


# -- the connectors against their simulators --------------------------------------------

def plant(world: Path, relative: str, **changes: Any) -> dict:
    """Append a copy of the file's first record with `changes` (a keyless record)."""
    path = world / relative
    record = {**json.loads(path.read_text(encoding="utf-8").splitlines()[0]), **changes}
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    return record


@pytest.fixture(scope="module")
def keyless_world(tmp_path_factory) -> Path:
    """A small world whose shop and ERP serve records without a usable id.

    Shopify's schema makes `Customer.id` non-null (`ID!`) and the simulator enforces
    it as Shopify does (a null id fails the query, loudly), so the shop's broken key
    is an empty one; Odoo sends `false` for an empty field, the id included.
    """
    world = tmp_path_factory.mktemp("keyless") / "world"
    cache = tmp_path_factory.getbasetemp() / "keyless_base"
    if not cache.exists():
        generate_world(cache, people=60, seed=11)
    shutil.copytree(cache, world)
    plant(world, "shop/customers.jsonl", id="", email="keyless.shop@example.com")
    plant(world, "erp/res.partner.jsonl", id=False, email="keyless.erp@example.com")
    plant(world, "erp/mail.blacklist.jsonl", id=False, email="keyless.blacklist@example.com")
    return world


def quarantine(db: Path, dataset: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select stream, reason, record, quarantined_at "
                           f"from {dataset}.quarantine order by stream").fetchall()


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "paged"])
def test_shop_customer_with_an_empty_id_is_quarantined(keyless_world, warehouse, bulk):
    shop = start_shop(keyless_world, token=SHOP_TOKEN, bucket_size=20000, restore_rate=20000)
    try:
        wh = warehouse("shop")
        source = shop_source(shop.root_url, SHOP_TOKEN, page_size=40, bulk=bulk,
                             retry_policy=FAST_RETRY)
        counts = wh.run(source)
        served = shop.snapshot("customers")
        assert quarantined_counts(source) == {"customers": 1}
        assert counts["quarantine"] == 1
        loaded = wh.query("select count(*), count(id) from raw_shop.customers")[0]
        held = quarantine(wh.path, "raw_shop")
        assert [(s, r) for s, r, _, _ in held] == [("customers", "primary key id is empty")]
        assert json.loads(held[0][2])["email"] == "keyless.shop@example.com"
        assert held[0][3] is not None
        assert len(served) == loaded[0] + len(held)  # none dropped
        # its own columns: nothing inherited from the stream it was bound for
        assert set(wh.columns("quarantine")) == {
            "stream", "reason", "record", "quarantined_at", "_dlt_load_id", "_dlt_id"}
        assert loaded[0] == loaded[1]  # and none loaded without a key
        # an incremental sync does not quarantine the same record again
        again = shop_source(shop.root_url, SHOP_TOKEN, page_size=40, bulk=bulk,
                            retry_policy=FAST_RETRY)
        wh.run(again)
        assert quarantined_counts(again) == {}
        assert len(quarantine(wh.path, "raw_shop")) == 1
    finally:
        shop.stop()


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_odoo_records_with_a_false_id_are_quarantined(keyless_world, warehouse, all_logs,
                                                      transport):
    erp = start_erp(keyless_world, api_key=ERP_KEY)
    try:
        wh = warehouse("erp")
        source = erp_source(erp.base_url, "cdp", "admin", ERP_KEY, transport=transport,
                            page_size=30, retry_policy=FAST_RETRY)
        wh.run(source)
        assert quarantined_counts(source) == {"blacklist": 1, "partners": 1}
        held = quarantine(wh.path, "raw_erp")
        assert [(s, r) for s, r, _, _ in held] == [("blacklist", "primary key id is null"),
                                                   ("partners", "primary key id is null")]
        assert json.loads(held[1][2])["email"] == "keyless.erp@example.com"
        # the log names the stream and the count, never the record
        assert "partners: 1 records with an empty primary key quarantined" in all_logs.text
        assert "keyless.erp@example.com" not in all_logs.text
        for table, model in (("partners", "res.partner"), ("blacklist", "mail.blacklist")):
            served = erp.snapshot(model)
            loaded, keyed = wh.query(f"select count(*), count(id) from raw_erp.{table}")[0]
            assert len(served) == loaded + sum(s == table for s, *_ in held), table
            assert loaded == keyed, table
        assert set(wh.columns("quarantine")) == {
            "stream", "reason", "record", "quarantined_at", "_dlt_load_id", "_dlt_id"}
        # the other streams are untouched
        assert wh.query("select count(*) from raw_erp.sale_orders")[0][0] == len(
            erp.snapshot("sale.order"))
    finally:
        erp.stop()


def test_the_sync_reports_what_it_quarantined(keyless_world, tmp_path, monkeypatch, capsys):
    def sync(source: str) -> dict:
        request = SyncRequest(warehouse=tmp_path / "w.duckdb", state_dir=tmp_path / "state",
                              source=source)
        return {outcome.source: outcome for outcome in run_sync(request)}

    with running_simulators(keyless_world) as handles:
        outcomes = sync("shop") | sync("erp")
        assert outcomes["shop"].quarantined == {"customers": 1}
        assert outcomes["erp"].quarantined == {"blacklist": 1, "partners": 1}
        assert outcomes["erp"].rows["quarantine"] == 2
        served = len(handles["erp"].snapshot("res.partner"))
        assert outcomes["erp"].rows["partners"] + 1 == served

        monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "cli_state"))
        assert main(["sync", "erp", "--warehouse", str(tmp_path / "cli.duckdb")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "erp partners: 1 records with an empty primary key quarantined in " \
           "raw_erp.quarantine" in out
    assert "erp blacklist: 1 records" in out
    assert "keyless.erp@example.com" not in out  # counts, never the records
