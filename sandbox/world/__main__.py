"""``python -m sandbox.world --people N --seed S --out DIR``: build a world on disk."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .generate import generate_world


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.world", description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        sys.stderr.write(f"\r{done:>10,}/{total:,} people  {rate:,.0f}/s")
        sys.stderr.flush()

    manifest = generate_world(args.out, people=args.people, seed=args.seed, progress=report)
    sys.stderr.write(f"\ndone in {time.monotonic() - started:.1f}s\n")
    sys.stdout.write(json.dumps(manifest["counts"], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
