"""The Dagster UI verified in a real browser, as `make dev` serves it.

`cdpkit dev` runs on loopback in a temporary folder: the simulators of a 60-person world
and `dagster dev` (webserver and daemon) on the code location, with a temporary Dagster
home, state and warehouse; stopping it at the end must leave none of its processes
behind. A materialisation of the ERP's raw tables is
launched through the webserver's GraphQL API, the mutation the UI's "Materialize"
button sends, and must load rows into the warehouse. Debian's headless Chromium then
opens the asset graph, which must draw the five groups with the run's six tables
materialised, and the catalog, which must list the key assets in their groups.

The screenshot lands in the test's tmp folder; with `CDP_UPDATE_SCREENSHOT=1` it also
replaces `docs/img/asset-graph.png`, the picture the README shows.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from cdpkit.dev import LEFTOVER_SECONDS
from orchestration.groups import GROUPS
from tests.browser import CHROMIUM_FLAGS as BASE_FLAGS
from tests.browser import chromium

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CDPKIT = Path(sys.executable).with_name("cdpkit")
PEOPLE, SEED = 60, 5
README_SCREENSHOT = ROOT / "docs" / "img" / "asset-graph.png"
WINDOW = (1600, 1000)
# one key asset of each group, as the catalog writes it
KEY_ASSETS = {"raw_shop / customers": "sources", "identity / crosswalk": "identity",
              "marts / dim_customers": "warehouse", "governance / erasure": "governance",
              "activation / audiences": "activation"}
ASSET_NAME = re.compile(r"[\w.]+ / [\w.…]+")  # a catalog row's key: `prefix / name`
# the UI is a React app fed by GraphQL: let it render before the dump
CHROMIUM_FLAGS = (*BASE_FLAGS, "--virtual-time-budget=20000")
STARTUP_SECONDS = 180
RUN_SECONDS = 180


@dataclass(frozen=True)
class Webserver:
    url: str
    location: str
    warehouse: Path
    tmp: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def graphql(url: str, query: str, **variables: Any) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query, "variables": variables},
                             timeout=60)
    response.raise_for_status()
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


WORKSPACE = """{ workspaceOrError { ... on Workspace { locationEntries {
  name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def wait_for_location(url: str, process: subprocess.Popen, log: Path) -> str:
    """The code location's name, once the webserver answers with it loaded."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`cdpkit dev` exited with {process.returncode}; its log ends:\n"
                        f"{tail(log)}")
        try:
            entries = graphql(url, WORKSPACE)["workspaceOrError"]["locationEntries"]
        except (requests.ConnectionError, requests.HTTPError, requests.Timeout):
            entries = []
        for entry in entries:
            located = entry["locationOrLoadError"] or {}
            if located.get("__typename") == "PythonError":
                pytest.fail(f"the code location failed to load: {located['message']}")
            if entry["loadStatus"] == "LOADED" and located:
                return entry["name"]
        time.sleep(0.5)
    pytest.fail(f"`cdpkit dev` did not serve {url} with the code location loaded within "
                f"{STARTUP_SECONDS} s; its log ends:\n{tail(log)}")


def session_processes(session: int) -> list[int]:
    """The pids of every process still alive in `session` (Linux: /proc/<pid>/stat)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # `pid (comm) state ppid pgrp session ...`; comm may hold spaces and parentheses
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[3]) == session and fields[0] != "Z":
                pids.append(int(stat.parent.name))
    return pids


#: how long `cdpkit dev` may take to stop: `dagster dev`'s own shutdown (about 5 s here),
#: then up to LEFTOVER_SECONDS for what it leaves, with room for a slow host. A stop that
#: never comes (a `dagster dev` started with SIGINT ignored ticked on for minutes) fails
STOP_SECONDS = LEFTOVER_SECONDS + 60


def stop(process: subprocess.Popen) -> list[int]:
    """Stop `cdpkit dev` as a person does, with Ctrl-C (SIGINT): it asks `dagster dev` to
    shut down its webserver, daemon and code server, and exits once they are gone.

    Returns the processes of its session still alive after that, then kills them: the
    test started `cdpkit dev` in a session of its own, so that is everything it started.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_SECONDS)
    left = session_processes(process.pid)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=10)
    return left


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webserver]:
    tmp = tmp_path_factory.mktemp("dagster_ui")
    env = {**os.environ, "CDP_STATE_DIR": str(tmp / "state"),
           "DAGSTER_HOME": str(tmp / "dagster_home"), "CDP_DROP_DIR": str(tmp / "drops")}
    warehouse, port, log = tmp / "cdp.duckdb", free_port(), tmp / "cdpkit-dev.log"
    with log.open("wb") as out:
        # in tmp: `cdpkit dev` caches its world in the working directory's .cdpkit/worlds
        process = subprocess.Popen(
            [str(CDPKIT), "dev", "--people", str(PEOPLE), "--seed", str(SEED),
             "--warehouse", str(warehouse), "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    left: list[int] = []
    try:
        url = f"http://127.0.0.1:{port}"
        location = wait_for_location(url, process, log)
        # what the "Skip" of the first visit's community dialog does: no dialog
        assert graphql(url, "mutation { setNuxSeen }")["setNuxSeen"] is True
        yield Webserver(url, location, warehouse, tmp)
    finally:
        left = stop(process)
    assert process.returncode == 0, f"`cdpkit dev` exited with {process.returncode}:\n{tail(log)}"
    assert left == [], f"`cdpkit dev` left processes {left} running; its log ends:\n{tail(log)}"


# --- a materialisation, launched as the UI launches one --------------------------------------

ASSET_NODES = "{ assetNodes { assetKey { path } groupName isMaterializable } }"
LAUNCH = """mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } } } }"""
RUN = """query Run($runId: ID!) { runOrError(runId: $runId) {
  __typename ... on Run { status } ... on Error { message } } }"""
FAILURES = """query Failures($runId: ID!) { logsForRun(runId: $runId) {
  ... on EventConnection { events { __typename
    ... on ExecutionStepFailureEvent { stepKey error { message } }
    ... on RunFailureEvent { message } } } } }"""


@dataclass(frozen=True)
class Run:
    run_id: str
    status: str
    selected: int
    group_sizes: dict[str, int]


@pytest.fixture(scope="module")
def erp_run(webserver: Webserver) -> Run:
    nodes = [n for n in graphql(webserver.url, ASSET_NODES)["assetNodes"]
             if n["isMaterializable"]]
    erp = [{"path": n["assetKey"]["path"]} for n in nodes if n["assetKey"]["path"][0] == "raw_erp"]
    params = {"selector": {"repositoryLocationName": webserver.location,
                           "repositoryName": "__repository__", "pipelineName": "__ASSET_JOB",
                           "assetSelection": erp},
              "mode": "default", "executionMetadata": {"tags": []}}
    launched = graphql(webserver.url, LAUNCH, params=params)["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id, status = launched["run"]["runId"], "QUEUED"
    deadline = time.monotonic() + RUN_SECONDS
    while status not in ("SUCCESS", "FAILURE", "CANCELED") and time.monotonic() < deadline:
        time.sleep(1)
        status = graphql(webserver.url, RUN, runId=run_id)["runOrError"]["status"]
    sizes = {group: sum(n["groupName"] == group for n in nodes) for group in GROUPS}
    return Run(run_id, status, len(erp), sizes)


def run_failures(webserver: Webserver, run_id: str) -> list[str]:
    events = graphql(webserver.url, FAILURES, runId=run_id)["logsForRun"].get("events", [])
    return [f"{e.get('stepKey') or 'run'}: {(e.get('error') or e)['message']}"
            for e in events if e["__typename"] in ("ExecutionStepFailureEvent",
                                                   "RunFailureEvent")]


# --- the browser ---------------------------------------------------------------------------

def browse(server: Webserver, path: str, *args: str, height: int = WINDOW[1]) -> str:
    """Open `path` in headless Chromium on a fresh profile; its stdout (the DOM with
    --dump-dom)."""
    profile = server.tmp / f"chromium-profile-{time.monotonic_ns()}"
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
         f"--window-size={WINDOW[0]},{height}", *args, f"{server.url}{path}"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (f"chromium exited with {done.returncode} on {path}; run "
                                  f"`make browser` if it is missing:\n{done.stderr[-2000:]}")
    return done.stdout


class Page(HTMLParser):
    """The text a person reads, and that of each node of the graph's SVG apart."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.graph_nodes: list[list[str]] = []
        self._in_node = self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "foreignobject":  # a node of the lineage graph
            self._in_node += 1
            self.graph_nodes.append([])
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_node -= tag == "foreignobject"
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if text and not self._hidden:
            self.texts.append(text)
            if self._in_node:
                self.graph_nodes[-1].append(text)


# --- the tests -----------------------------------------------------------------------------

def test_a_materialisation_launched_over_graphql_loads_the_erp(webserver: Webserver,
                                                               erp_run: Run) -> None:
    assert erp_run.selected == 6  # partners, sale orders and lines, invoices, blacklist, deletions
    assert erp_run.status == "SUCCESS", (
        f"run {erp_run.run_id} ended {erp_run.status} (or did not end within {RUN_SECONDS} s): "
        f"{run_failures(webserver, erp_run.run_id)}")
    with duckdb.connect(str(webserver.warehouse), read_only=True) as con:
        for table in ("partners", "sale_orders", "invoices"):
            assert con.execute(f"select count(*) from raw_erp.{table}").fetchone()[0] > 0, table


def test_the_asset_graph_draws_the_five_groups_with_the_run_in_them(webserver: Webserver,
                                                                    erp_run: Run) -> None:
    assert erp_run.status == "SUCCESS", "the run failed: see the materialisation test"
    page = Page(browse(webserver, "/asset-groups", "--dump-dom"))
    nodes = {node[0]: node[1:] for node in page.graph_nodes if node}
    assert "Global asset lineage" in page.texts and set(nodes) == set(GROUPS), (
        f"the graph's nodes are {page.graph_nodes} (empty: the page did not render within "
        f"chromium's virtual time budget); the page reads {page.texts[:60]}")
    # each group's badges count its assets by status: the ERP's tables materialised,
    # the rest of the sources and every other group never materialised
    sources = erp_run.group_sizes["sources"]
    assert nodes["sources"] == [str(erp_run.selected), str(sources - erp_run.selected)]
    for group in GROUPS[1:]:
        assert nodes[group] == [str(erp_run.group_sizes[group])], group


def test_the_catalog_lists_each_key_asset_in_its_group(webserver: Webserver) -> None:
    # tall enough for the catalog's virtual list to render every row
    texts = Page(browse(webserver, "/assets", "--dump-dom", height=8000)).texts
    for asset, group in KEY_ASSETS.items():
        assert asset in texts, f"{asset} is not in the catalog"
        assert group_in_row(texts, asset) == group, asset


def group_in_row(texts: list[str], asset: str) -> str | None:
    """The group the catalog shows on `asset`'s row (None if the next row comes first)."""
    for text in texts[texts.index(asset) + 1:]:
        if text in GROUPS:
            return text
        if text != asset and ASSET_NAME.fullmatch(text):
            return None
    return None


def test_a_screenshot_of_the_asset_graph(webserver: Webserver, erp_run: Run) -> None:
    shot = webserver.tmp / "asset-graph.png"
    browse(webserver, "/asset-groups", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == WINDOW
    if re.fullmatch(r"1|yes|true", os.environ.get("CDP_UPDATE_SCREENSHOT", "").lower()):
        shutil.copyfile(shot, README_SCREENSHOT)
