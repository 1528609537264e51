"""Local HTTP simulators of the four source APIs cdpkit syncs from.

Each serves a world directory (``sandbox.world``) on 127.0.0.1 with the real
API's auth, pagination, incremental filters, errors and rate limiting, so a
connector that passes here works against the vendor. See
``docs/data-contract.md`` section 2.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sandbox.simulators.base import SimulatorHandle
from sandbox.simulators.mailchimp import start_email
from sandbox.simulators.odoo import start_erp
from sandbox.simulators.shopify import start_shop
from sandbox.simulators.x_api import start_social

STARTERS = {"shop": start_shop, "erp": start_erp, "email": start_email, "social": start_social}


def start_all(world_dir: Path, state_dir: Path | None = None,
              **options: dict[str, Any]) -> dict[str, SimulatorHandle]:
    """Start all four simulators; ``options`` maps a source to its keyword options.

    With ``state_dir`` each store lives in ``<state_dir>/<source>.sqlite`` and is
    reused on the next start (mutations survive restarts, the world is not
    reloaded); without it, stores are temporary.
    """
    def one(source: str) -> SimulatorHandle:
        kw = dict(options.get(source) or {})
        if state_dir is not None:
            Path(state_dir).mkdir(parents=True, exist_ok=True)
            kw.setdefault("db_path", Path(state_dir) / f"{source}.sqlite")
        return STARTERS[source](Path(world_dir), **kw)

    # loading is parsing plus SQLite inserts; threads overlap the SQLite part
    with ThreadPoolExecutor(len(STARTERS)) as pool:
        futures = {s: pool.submit(one, s) for s in STARTERS}
    handles: dict[str, SimulatorHandle] = {}
    failure: BaseException | None = None
    for source, future in futures.items():
        if future.exception() is None:
            handles[source] = future.result()
        else:
            failure = failure or future.exception()
    if failure is not None:
        for handle in handles.values():
            handle.stop()
        raise failure
    peers = [h.simulator for h in handles.values()]
    for sim in peers:
        sim.peers = peers  # one world: /_sim/mutate_world changes it in every system
    return handles


def mutate_world(handles: dict[str, SimulatorHandle], new: int = 0, updated: int = 0,
                 deleted: int = 0, seed: int = 0) -> dict[str, Any]:
    """Change the world served by `handles` at once: new people appear in every
    system they use, with one person id in the truth files."""
    from sandbox.simulators.mutation import apply_world_changes

    return apply_world_changes([h.simulator for h in handles.values()], new=new,
                               updated=updated, deleted=deleted, seed=seed)


__all__ = ["SimulatorHandle", "mutate_world", "start_all", "start_email", "start_erp", "start_shop",
           "start_social"]
