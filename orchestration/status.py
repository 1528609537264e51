"""What the Dagster instance knows now: each asset group's last materialisation, failing checks.

`cdpkit status` prints this beside the erasure requests; it reads the instance's
storage only (no webserver, no run), so it answers while a run is going on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterInstance, Definitions
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus,
)

from orchestration.settings import left_out_raw_schemas


@dataclass(frozen=True)
class GroupStatus:
    group: str
    assets: int
    materialised: int
    last_at: datetime | None
    last_run_id: str | None
    last_run_status: str | None


@dataclass(frozen=True)
class CheckStatus:
    asset_key: str
    check_name: str
    status: str
    at: datetime | None
    run_id: str | None
    description: str | None


@dataclass(frozen=True)
class StaleAsset:
    """An asset past its freshness policy's window: `state` is WARN or FAIL."""

    asset_key: str
    last_at: datetime | None
    state: str


@dataclass(frozen=True)
class PipelineStatus:
    home: Path
    groups: list[GroupStatus]
    checks: int
    failing: list[CheckStatus]
    never_run: int
    stale: list[StaleAsset] = field(default_factory=list)


def _at(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).replace(
        tzinfo=None, microsecond=0)


def read_status(defs: Definitions, home: Path) -> PipelineStatus:
    """Each group's newest materialisation and its run's status; checks failing now."""
    graph = defs.resolve_asset_graph()
    keys = [key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable]
    check_keys = list(graph.asset_check_keys)
    if not (home / "dagster.yaml").exists() and not (home / "storage").is_dir():
        return PipelineStatus(home, [GroupStatus(g, n, 0, None, None, None)
                                     for g, n in _group_sizes(graph, keys).items()],
                              len(check_keys), [], len(check_keys))
    with DagsterInstance.from_config(str(home)) as instance:
        latest = instance.get_latest_materialization_events(keys)
        executions = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            check_keys)
        groups: dict[str, list] = {}
        for key in keys:
            groups.setdefault(graph.get(key).group_name or "default", []).append(latest.get(key))
        out = []
        for group, entries in sorted(groups.items()):
            done = [e for e in entries if e is not None]
            newest = max(done, key=lambda e: e.timestamp, default=None)
            run = instance.get_run_by_id(newest.run_id) if newest else None
            out.append(GroupStatus(group, len(entries), len(done),
                                   _at(newest.timestamp) if newest else None,
                                   newest.run_id if newest else None,
                                   run.status.value if run else None))
        failing = []
        for key, record in sorted(executions.items(), key=lambda kv: kv[0].to_user_string()):
            if record.status != AssetCheckExecutionRecordStatus.FAILED:
                continue
            data = record.event.dagster_event.event_specific_data if record.event else None
            failing.append(CheckStatus(
                key.asset_key.to_user_string(), key.name, record.status.value,
                _at(record.create_timestamp), record.run_id,
                getattr(data, "description", None)))
    return PipelineStatus(home, out, len(check_keys), failing,
                          len(check_keys) - len(executions), _stale(graph, keys, latest))


def _stale(graph, keys, latest) -> list[StaleAsset]:
    """Assets whose last materialisation is older than their freshness policy allows
    (the policy's windows, applied to the time now, as the daemon does)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    # the raw tables of a source the pipeline does not sync (CDP_SOURCES) are never fresh
    left_out = set(left_out_raw_schemas())
    stale = []
    for key in keys:
        if key.path[0] in left_out:
            continue
        policy = graph.get(key).freshness_policy
        fail, warn = (getattr(policy, "fail_window", None), getattr(policy, "warn_window", None))
        if fail is None:
            continue
        entry = latest.get(key)
        last = _at(entry.timestamp) if entry else None
        age = now - last if last else None
        if age is None or age > fail.to_timedelta():
            stale.append(StaleAsset(key.to_user_string(), last, "FAIL"))
        elif warn is not None and age > warn.to_timedelta():
            stale.append(StaleAsset(key.to_user_string(), last, "WARN"))
    return stale


def _group_sizes(graph, keys) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for key in keys:
        group = graph.get(key).group_name or "default"
        sizes[group] = sizes.get(group, 0) + 1
    return dict(sorted(sizes.items()))
