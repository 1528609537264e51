"""What privacy costs: the suppression step at load, and one erasure on a warehouse at scale.

The suppression step hashes the identifying fields of every row once the list is
non-empty; it is timed on Shopify-shaped order rows with distinct values (the worst
case: nothing repeats, so its per-value cache never hits) against an empty list.
The erasure is timed on a copy of a warehouse (`--privacy-warehouse`, e.g. the one a
`pipeline --keep DIR` bench left), for a person found in every source, including the
proof and the sweep of every text column.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

from connectors.suppression import SuppressedRows
from quality.privacy.erase import erase
from quality.privacy.identifiers import identifier_hash
from quality.privacy.requests import ensure_tables, record_request, register
from quality.privacy.suppression import Suppressions

SALT = b"bench-salt"


def _order_rows(count: int) -> list[dict]:
    return [{"id": f"gid://shopify/Order/{i}", "email": f"person{i}@example.com",
             "phone": f"+1415555{i % 10000:04d}",
             "customer": {"id": f"gid://shopify/Customer/{i}"}} for i in range(count)]


def bench_suppression_step(rows: int = 200_000, batch: int = 5_000) -> dict:
    # every hundredth row belongs to someone erased
    listed = frozenset(identifier_hash(SALT, "email", f"person{i}@example.com")
                       for i in range(0, rows, 100))
    data = _order_rows(rows)
    out = {}
    for label, hashes in (("empty list", frozenset()), ("1% of rows suppressed", listed)):
        step = SuppressedRows("shop", "orders", Suppressions(SALT, hashes))
        started = time.perf_counter()
        kept = sum(len(step(data[i:i + batch]) or []) for i in range(0, rows, batch))
        seconds = time.perf_counter() - started
        out[label] = {"seconds": round(seconds, 3), "rows_dropped": rows - kept,
                      "microseconds_per_row": round(seconds / rows * 1e6, 2)}
    return {"bench": "privacy-suppression", "rows": rows, "runs": out}


def bench_erasure(warehouse: Path, root: Path) -> dict:
    """Erase one person present in every source from a copy of `warehouse`."""
    copy = root / "erasure-copy.duckdb"
    shutil.copyfile(warehouse, copy)
    state = root / "erasure-state"
    try:
        with duckdb.connect(str(copy)) as con:
            row = con.execute(
                "select email from identity.golden_profiles where source_systems = "
                "'email,erp,shop,social' and email is not null order by golden_id limit 1"
            ).fetchone()
            if row is None:
                raise ValueError(f"{warehouse} has nobody in all four sources")
            # the copy's audience registry names the real files: leave them alone
            con.execute("drop table if exists governance.audience_exports")
            request = record_request(state, email=row[0], requester="bench", reason="bench")
            ensure_tables(con)
            register(con, SALT, request)
            started = time.perf_counter()
            outcome = erase(con, request, SALT, state)
            seconds = time.perf_counter() - started
            tables = con.execute("select count(*) from information_schema.tables "
                                 "where table_type = 'BASE TABLE'").fetchone()[0]
        return {"bench": "privacy-erasure", "warehouse": str(warehouse),
                "seconds": round(seconds, 1), "status": outcome.status,
                "rows_erased": outcome.rows_erased, "verifications": len(outcome.proofs),
                "base_tables": tables, "success": outcome.status == "erased"}
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(state, ignore_errors=True)
