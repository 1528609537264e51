"""``python -m sandbox.simulators --world DIR [--state-file F] [--options JSON]``.

Starts all four simulators, prints one JSON line ``{source: base_url}`` on
stdout and serves until SIGTERM or SIGINT. ``--state-file`` names a directory
prefix for the SQLite stores (``F.shop.sqlite``, ...) so a restart keeps
mutations instead of reloading the world. ``--options`` passes keyword options
per source, e.g. ``'{"shop": {"restore_rate": 2000, "bucket_size": 40000}}'``.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from sandbox.simulators import start_all


def main(argv: list[str] | None = None) -> int:
    """Run the simulators until told to stop."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.simulators")
    parser.add_argument("--world", required=True, type=Path, help="world directory")
    parser.add_argument("--state-file", type=Path, default=None,
                        help="prefix for persistent SQLite stores (F.<source>.sqlite)")
    parser.add_argument("--options", type=json.loads, default={},
                        help='per-source keyword options as JSON, e.g. \'{"shop": '
                             '{"restore_rate": 2000}}\'')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    options = {s: dict(args.options.get(s) or {}) for s in ("shop", "erp", "email", "social")}
    if args.state_file is not None:
        for source, kw in options.items():
            kw["db_path"] = Path(f"{args.state_file}.{source}.sqlite")
    handles = start_all(args.world, **options)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(json.dumps({s: h.base_url for s, h in handles.items()}), flush=True)
    stop.wait()
    for handle in handles.values():
        handle.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
