"""The CLI: every command has help with an example, and errors are one line, not a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from crimeplan.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(cli)


def test_the_issue_commands_exist() -> None:
    for expected in [
        ("demo",),
        ("measures",),
        ("counts",),
        ("plan", "check"),
        ("import", "policeuk"),
        ("import", "crimes"),
        ("import", "survey"),
        ("import", "reoffending"),
        ("import", "peers"),
        ("import", "population"),
    ]:
        assert expected in COMMANDS


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "crimeplan")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    marker = "Examples:" if "Examples:" in result.output else "Example:"
    assert marker in result.output
    assert "crimeplan " in result.output.split(marker)[1]


def test_an_error_is_one_line_without_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli,
        [
            "measures",
            "--store",
            str(tmp_path / "none.duckdb"),
            "--plan",
            str(tmp_path / "none.yaml"),
            "--as-at",
            "2013-04",
        ],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_as_at_month(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from crimeplan.plan import builtin_plan_path

    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(
        cli,
        [
            "measures",
            "--store",
            str(store),
            "--plan",
            str(builtin_plan_path()),
            "--as-at",
            "April 2013",
        ],
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: --as-at 'April 2013' is not a month; expected YYYY-MM, e.g. 2013-04\n"
    )


def test_every_command_is_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in cli.list_commands(click.Context(cli)):
        assert f"crimeplan {name}" in readme or f"`{name}`" in readme, name

