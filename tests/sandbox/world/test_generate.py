"""Determinism, counts, presence shares, streaming memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sandbox.world import WorldSettings, generate_world
from sandbox.world.writer import FILES


def _bytes(world: Path) -> dict[str, bytes]:
    return {key: (world / f"{key}.jsonl").read_bytes() for key in FILES} | {
        "manifest": (world / "manifest.json").read_bytes()}


def test_same_seed_same_bytes_different_seed_different(tmp_path: Path) -> None:
    generate_world(tmp_path / "a", people=400, seed=3)
    generate_world(tmp_path / "b", people=400, seed=3)
    generate_world(tmp_path / "c", people=400, seed=4)
    a, b, c = _bytes(tmp_path / "a"), _bytes(tmp_path / "b"), _bytes(tmp_path / "c")
    assert a == b
    assert a["shop/customers"] != c["shop/customers"]
    assert a["truth/people"] != c["truth/people"]


def test_manifest_counts_match_files(world: Path) -> None:
    manifest = json.loads((world / "manifest.json").read_text())
    assert manifest["people"] == 2000 and manifest["seed"] == 7
    for key in FILES:
        lines = (world / f"{key}.jsonl").read_text(encoding="utf-8").splitlines()
        assert manifest["counts"][key] == len(lines), key
        assert lines, f"{key} is empty"
    assert manifest["counts"]["email/campaigns"] == 12
    assert manifest["counts"]["truth/people"] == 2000


def test_presence_shares_near_settings(load) -> None:
    people = {p["person_id"] for p in load("truth/people")}
    systems: dict[str, set[int]] = {}
    for row in load("truth/records"):
        systems.setdefault(row["system"], set()).add(row["person_id"])
    targets = dict(zip(("shop", "erp", "email", "social"), WorldSettings().presence,
                       strict=True))
    for system, target in targets.items():
        share = len(systems[system]) / len(people)
        assert abs(share - target) < 0.04, (system, share)
    anywhere = set().union(*systems.values())
    assert anywhere == people


def test_duplicate_accounts_within_a_system(load) -> None:
    per_person: dict[tuple[str, int], int] = {}
    for row in load("truth/records"):
        key = (row["system"], row["person_id"])
        per_person[key] = per_person.get(key, 0) + 1
    shop_people = [k for k in per_person if k[0] == "shop"]
    dups = [k for k in shop_people if per_person[k] > 1]
    assert 0.01 < len(dups) / len(shop_people) < 0.06


def test_activity_volume_is_a_few_rows_per_member(load) -> None:
    ratio = len(load("email/activity")) / len(load("email/members"))
    assert 3 <= ratio <= 6, ratio


def test_memory_stays_flat_for_20000_people(tmp_path: Path) -> None:
    """Holding the records would take several times the output size in Python objects;
    streaming keeps the process's peak RSS well below the size of what it wrote."""
    # VmHWM belongs to the exec'd image; ru_maxrss would inherit pytest's own peak.
    code = ("import sys\nfrom sandbox.world import generate_world\n"
            "generate_world(sys.argv[1], people=20000, seed=1)\n"
            "print([ln.split()[1] for ln in open('/proc/self/status')"
            " if ln.startswith('VmHWM')][0])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True,
                         capture_output=True, text=True, cwd=Path(__file__).parents[3])
    peak_bytes = int(out.stdout.strip()) * 1024
    written = sum(p.stat().st_size for p in tmp_path.rglob("*.jsonl"))
    assert written > 40_000_000
    assert peak_bytes < 0.75 * written, (peak_bytes, written)
