"""Odoo sale.order.line records: exact amounts, the order's one2many, the shop's
catalogue, and a world that is otherwise the same with or without them."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.world import erp, generate_world
from sandbox.world.tables import PRODUCTS
from sandbox.world.writer import FILES

LINES = "erp/sale.order.line"


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


@pytest.fixture(scope="module")
def lines_by_order(load) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for line in load(LINES):
        out[line["order_id"][0]].append(line)
    return out


def test_lines_add_up_to_the_order_to_the_cent(load, lines_by_order) -> None:
    orders = load("erp/sale.order")
    assert len(load(LINES)) > len(orders)
    for so in orders:
        mine = lines_by_order[so["id"]]
        assert sum(_dec(x["price_subtotal"]) for x in mine) == _dec(so["amount_untaxed"])
        assert sum(_dec(x["price_total"]) for x in mine) == _dec(so["amount_total"])
        for x in mine:
            assert _dec(x["price_unit"]) * _dec(x["product_uom_qty"]) == _dec(x["price_subtotal"])
            assert x["price_total"] >= x["price_subtotal"] >= 0
            assert _dec(x["price_subtotal"]) == _dec(x["price_subtotal"]).quantize(Decimal("0.01"))


def test_orders_carry_their_line_ids_in_sequence(load, lines_by_order) -> None:
    orders = load("erp/sale.order")
    assert set(lines_by_order) == {so["id"] for so in orders}, "an order without lines"
    for so in orders:
        mine = lines_by_order[so["id"]]
        assert so["order_line"] == [x["id"] for x in mine]
        assert 1 <= len(mine) <= 4
        assert [x["sequence"] for x in mine] == list(range(10, 10 + len(mine)))
        for x in mine:
            assert x["order_id"] == [so["id"], so["name"]]
            assert x["currency_id"] == so["currency_id"] == [1, "EUR"]
            assert x["create_date"] == so["create_date"] <= x["write_date"] <= so["write_date"]


def test_lines_sell_the_shops_products_and_sections_have_none(load) -> None:
    lines = load(LINES)
    catalogue = {sku: (i + 1, name) for i, (sku, name, _) in enumerate(PRODUCTS)}
    products = [x for x in lines if x["display_type"] is False]
    sections = [x for x in lines if x["display_type"] == "line_section"]
    assert sections and len(products) + len(sections) == len(lines)
    for x in products:
        pid, label = x["product_id"]
        sku = label[1:label.index("]")]
        assert (pid, label) == (catalogue[sku][0], f"[{sku}] {catalogue[sku][1]}")
        assert x["name"] == label and x["product_uom_qty"] >= 1
        assert isinstance(x["product_uom_qty"], float)
    for x in sections:
        assert x["product_id"] is False and x["name"]
        assert x["product_uom_qty"] == x["price_unit"] == x["price_total"] == 0.0
    shop_skus = {item["sku"] for o in load("shop/orders") for item in o["lineItems"]["nodes"]}
    erp_skus = {x["product_id"][1][1:x["product_id"][1].index("]")] for x in products}
    assert erp_skus == shop_skus == set(catalogue)


def _bytes(world: Path) -> dict[str, bytes]:
    return {key: (world / f"{key}.jsonl").read_bytes() for key in FILES}


def test_lines_draw_nothing_from_the_worlds_generator(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without lines, every other file is byte for byte the same, and so is each sale
    order but for its `order_line`: identity benchmarks keep their worlds."""
    with_lines = generate_world(tmp_path / "with", people=400, seed=3)
    monkeypatch.setattr(erp, "sale_order_lines", lambda *args, **kwargs: [])
    without = generate_world(tmp_path / "without", people=400, seed=3)
    a, b = _bytes(tmp_path / "with"), _bytes(tmp_path / "without")
    assert a[LINES] and not b[LINES]
    for key in FILES:
        if key not in (LINES, "erp/sale.order"):
            assert a[key] == b[key], key

    def orders(raw: bytes) -> list[dict]:
        rows = [json.loads(x) for x in raw.decode().splitlines()]
        assert all("order_line" in r for r in rows)
        return [{k: v for k, v in r.items() if k != "order_line"} for r in rows]

    assert orders(a["erp/sale.order"]) == orders(b["erp/sale.order"])
    assert with_lines["counts"].pop(LINES) > 0 and without["counts"].pop(LINES) == 0
    assert with_lines["counts"] == without["counts"]


def test_lines_are_deterministic_and_follow_the_seed(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_world(tmp_path / name, people=300, seed=seed)
    a, b, c = ((tmp_path / n / f"{LINES}.jsonl").read_bytes() for n in "abc")
    assert a == b and a != c
