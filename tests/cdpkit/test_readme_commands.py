"""The README's commands are real: each `cdpkit` command it shows exists, answers `--help`,
and is run by a test of this suite (two are not yet: they are listed, with why)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdpkit.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: commands the README shows that no test runs yet, and why; keep it short
NOT_RUN_BY_A_TEST = {
    ("demo",): "runs the whole pipeline on 5,000 people (make demo); tests/e2e runs the "
               "same job on 300 people through the same runner",
    ("dev",): "blocks on `dagster dev`; tests/orchestration/test_dagster_ui.py starts "
              "`dagster dev` the way `cdpkit dev` does",
}


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
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (ROOT / "tests").rglob("test_*.py")
                        if path.name != Path(__file__).name)
    untested = set()
    for command in readme_commands():
        call = r"main\(\[\s*" + r",\s*".join(f'"{word}"' for word in command)
        if not re.search(call, sources):
            untested.add(command)
    assert untested == set(NOT_RUN_BY_A_TEST), (
        f"run by no test: {sorted(untested - set(NOT_RUN_BY_A_TEST))}; "
        f"now tested, take off the list: {sorted(set(NOT_RUN_BY_A_TEST) - untested)}")

