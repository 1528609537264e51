"""The README's commands are real: each `cdpkit` command it shows exists, answers `--help`
and is run by a test of this suite, and each `make` target it shows is in the Makefile and
runs what the README says it runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cdpkit.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, set[str]]:
    """Each subcommand of the parser, with its own subcommands (empty when it has none)."""
    parser = build_parser()
    commands: dict[str, set[str]] = {}
    for action in parser._subparsers._group_actions:  # argparse has no public view
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            commands[name] = set(nested[0].choices) if nested else set()
    return commands


def readme_commands() -> set[tuple[str, ...]]:
    """(`privacy`, `forget`), (`sync`,), ... for every `cdpkit ...` the README shows."""
    known = _subcommands()
    found = set()
    for match in re.finditer(r"cdpkit ([a-z]+)(?: ([a-z]+))?", README):
        command, sub = match.groups()
        if command not in known:
            continue  # prose: "cdpkit pulls the ..."
        found.add((command, sub) if sub in known[command] else (command,))
    return found


def test_the_readme_shows_every_subcommand():
    shown = {command[0] for command in readme_commands()}
    assert shown == set(_subcommands()), "a subcommand the README never mentions"


@pytest.mark.parametrize("command", sorted(readme_commands()), ids=" ".join)
def test_each_readme_command_answers_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: cdpkit " + " ".join(command) in capsys.readouterr().out


def test_each_readme_command_is_run_by_a_test():
    """Run in-process (`main(["sync", ...`) or as the installed script in a subprocess
    (`[str(CDPKIT), "dev", ...`, tests/orchestration/test_dagster_ui.py)."""
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (ROOT / "tests").rglob("test_*.py")
                        if path.name != Path(__file__).name)
    untested = set()
    for command in readme_commands():
        call = r"(?:main\(\[|\[str\(CDPKIT\),)\s*" + r",\s*".join(f'"{w}"' for w in command)
        if not re.search(call, sources):
            untested.add(command)
    assert untested == set(), f"run by no test: {sorted(untested)}"


# --- make ----------------------------------------------------------------------------------

def readme_make_targets() -> set[str]:
    """`demo`, `test`, ... for every `make <target>` the README shows, in a code block's
    line or inline (`make browser`); not prose such as "make each sync read"."""
    in_blocks = re.findall(r"^make ([\w-]+)", README, re.M)
    inline = re.findall(r"`make ([\w-]+)[^`]*`", README)
    return set(in_blocks) | set(inline)


def make_dry_run(target: str) -> subprocess.CompletedProcess:
    """`make -n <target>`: the recipes it would run, printed, none executed."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "--dry-run", "--no-print-directory", target], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def test_the_readme_shows_its_make_targets():
    assert {"demo", "test", "dev"} <= readme_make_targets()


@pytest.mark.parametrize("target", sorted(readme_make_targets()))
def test_each_readme_make_target_is_in_the_makefile(target):
    done = make_dry_run(target)
    assert done.returncode == 0, f"make {target}: {done.stderr}"


@pytest.mark.parametrize(("target", "command"), [
    ("test", ".venv/bin/python -m pytest"),
    ("demo", ".venv/bin/cdpkit demo"),
])
def test_the_two_commands_run_what_the_readme_says(target, command):
    """The command, perhaps with options (`make test` passes pytest its workers)."""
    assert f"make {target}" in README
    lines = make_dry_run(target).stdout.splitlines()
    assert any(line == command or line.startswith(command + " ") for line in lines), \
        f"`make {target}` would run:\n" + "\n".join(lines)


@pytest.mark.parametrize(("target", "command"), re.findall(
    r"^make ([\w-]+)\s+# = ([^:\[\n]+)", README, re.M))
def test_each_make_target_runs_the_command_the_readme_equates_it_with(target, command):
    """`make dev    # = .venv/bin/cdpkit dev: ...` runs `.venv/bin/cdpkit dev`."""
    lines = make_dry_run(target).stdout.splitlines()
    assert command.strip() in lines, f"`make {target}` would run:\n" + "\n".join(lines)


# --- the other programs the README shows ----------------------------------------------------

def readme_code() -> str:
    """The README's fenced code blocks and inline code spans: where commands are shown."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.M | re.S)
    # a span may wrap onto the next line, as a long command in prose does
    spans = re.findall(r"`([^`]+)`", re.sub(r"^```.*?^```", "", README, flags=re.M | re.S))
    return "\n".join(blocks + spans)


def readme_dagster_commands() -> set[tuple[str, ...]]:
    """(`dagster`, `dev`), (`dagster-daemon`, `run`), ...: Dagster's own commands as shown."""
    found = set()
    for program, words in re.findall(
            r"(?:\.venv/bin/)?\b(dagster-daemon|dagster-webserver|dagster)"
            r"((?: [a-z]+(?![\w/.-]))*)", readme_code()):
        if program != "dagster" or words:  # a bare `dagster` is the tool's name, or a kind
            found.add((program, *words.split()))
    return found


def readme_python_modules() -> set[tuple[str, str | None]]:
    """(`benchmarks`, `privacy`), (`sandbox.world`, None), ...: each `python -m` shown, with
    its first word when that is a subcommand rather than an option or a path."""
    found = set()
    for module, first in re.findall(r"python3? -m ([\w.]+)(?: ([a-z]+)\b(?![/.]))?",
                                    readme_code()):
        found.add((module, first or None))
    return found


def test_the_readme_shows_dagster_and_python_commands():
    assert {("dagster", "dev"), ("dagster-daemon", "run")} <= readme_dagster_commands()
    assert ("benchmarks", None) in readme_python_modules()


@pytest.mark.parametrize("command", sorted(readme_dagster_commands()), ids=" ".join)
def test_each_dagster_command_the_readme_shows_exists_in_this_dagster(command):
    """Dagster's commands change between versions: each one shown answers `--help` with the
    installed Dagster (running them is the UI and Postgres tests' job)."""
    program = Path(os.sys.executable).with_name(command[0])
    done = subprocess.run([str(program), *command[1:], "--help"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)} --help: {done.stderr[-2000:]}"


@pytest.mark.parametrize(("module", "first"), sorted(readme_python_modules(),
                                                      key=lambda m: (m[0], m[1] or "")))
def test_each_python_module_the_readme_runs_answers_help(module, first):
    """`python -m benchmarks privacy`: the module runs, and `privacy` is one of its choices."""
    done = subprocess.run([os.sys.executable, "-m", module, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"python -m {module} --help: {done.stderr[-2000:]}"
    if first is not None and module != "pytest":
        assert first in done.stdout, f"python -m {module} has no {first!r}:\n{done.stdout}"
