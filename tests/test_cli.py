"""The CLI: every command has help with an example, and errors are one line, not a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from crimeplan.cli import cli
from tests.support.shell import shell_folder


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


def _example_commands(text: str) -> list[str]:
    """The command lines of a --help's examples (after "Example:"/"Examples:", before
    "Options:"), each as printed: continuation lines (a trailing backslash, or a quote left
    open) kept with their command."""
    import shlex

    marker = "Examples:" if "Examples:" in text else "Example:"
    body = text.split(marker, 1)[1].split("\nOptions:", 1)[0]
    commands: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if not current and not stripped.startswith(("crimeplan ", "echo ")):
            continue
        current.append(line)
        joined = "\n".join(current)
        if stripped.endswith("\\"):
            continue
        try:
            shlex.split(joined)
        except ValueError:  # a quote still open: the command goes on
            continue
        commands.append(joined)
        current = []
    assert not current, current
    return commands


def help_examples() -> list[tuple[str, str]]:
    """Every example of every command's --help: (the command's name, the example)."""
    found = []
    for path in [(), *COMMANDS]:
        text = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200).output
        found += [(" ".join(path), command) for command in _example_commands(text)]
    return found


#: The examples that cannot run here: they name a PostgreSQL server (tests/data/
#: test_engine.py runs the same commands against a PostgreSQL copy of a store).
NEEDS_A_SERVER = "postgresql://analyst@db.example/crimeplan"


def test_every_help_example_names_shipped_files() -> None:
    """Every file an example names under examples/ is shipped in crimeplan/examples/, and
    the examples name no other input file (no force.duckdb or plan.yaml from nowhere)."""
    import shlex
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "crimeplan" / "examples"
    examples = help_examples()
    assert len(examples) >= 25
    named = {w for _, c in examples for w in shlex.split(c) if w.startswith("examples/")}
    assert {"examples/policeuk", "examples/policeuk-plan.yaml"} <= named
    for word in named:
        assert (shipped / word.removeprefix("examples/")).exists(), word
    made = ("force.duckdb", "crimeplan-demo/", "pack", "./crimeplan-demo", "examples")
    for _, command in examples:
        for word in shlex.split(command):
            if word.endswith((".yaml", ".csv", ".duckdb", ".xlsx", ".txt", ".json")):
                assert word.startswith(made) or word.startswith(NEEDS_A_SERVER), word


@pytest.mark.slow
def test_every_help_example_runs_as_printed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every --help example, pasted into a shell in an empty folder, exits 0: first
    ``crimeplan examples`` and ``crimeplan demo`` (whose outputs the others use), then the
    importers (which make force.duckdb), then every other command in name order. Only the
    PostgreSQL examples are left out (they need a server)."""
    import subprocess

    work, env = shell_folder(tmp_path)

    def order(item: tuple[str, str]) -> tuple[int, str]:
        name = item[0]
        first = {"examples": 0, "": 1, "demo": 1, "import": 2, "import policeuk": 2}
        return (first.get(name, 3 if name.startswith("import ") else 4), name)

    examples = sorted(help_examples(), key=order)  # sorted() keeps each command's own order
    skipped = [c for _, c in examples if NEEDS_A_SERVER in c]
    assert len(skipped) == 2  # counts and measures
    run: set[str] = set()
    for name, command in examples:
        if NEEDS_A_SERVER in command or command.strip() in run:
            continue  # (crimeplan's own example and demo's are the same line: run it once)
        run.add(command.strip())
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # report --check exits 1 when an update is contradicted, as its help says (the demo's are)
        expected = 1 if "--check" in command.split() else 0
        assert result.returncode == expected, f"{name}: {command}\n{result.stdout}{result.stderr}"
        if expected:
            assert "claims of the leads' updates contradicted by the figures" in result.stdout
        assert "Traceback" not in result.stderr, result.stderr
    assert (work / "pack-again" / "board-pack.html").is_file()


def test_no_command_but_import_and_demo_creates_a_store(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every command with --store, given a store that does not exist (a typo), refuses in
    one line naming it and saying how a store is made, and creates nothing (issue 11); so
    does $CRIMEPLAN_STORE. Found from the commands themselves, so a new one is checked too."""
    from crimeplan.plan import builtin_plan_path

    plan = str(builtin_plan_path())
    extra = {
        ("update",): ["A1", "--status", "on track", "--by", "X", "--note", "n", "--plan", plan],
        ("experiment",): ["--plan", plan, "--plan-experiment", "hotspot_patrol"],
    }
    checked = []
    for path in COMMANDS:
        command = cli
        for name in path:
            command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        if path[0] == "import" or not any(
            p.name in ("store_location", "store_path") for p in command.params
        ):
            continue
        names = {p.name for p in command.params}
        args = list(extra.get(path, []))
        if "plan_path" in names and "--plan" not in args:
            args += ["--plan", plan]
        if "as_at" in names:
            args += ["--as-at", "2013-04"]
        if "out" in names:
            args += ["--out", str(tmp_path / "pack")]
        for how in ("option", "variable"):
            typo = tmp_path / f"typo-{how}.duckdb"
            if how == "option":
                result = CliRunner().invoke(cli, [*path, *args, "--store", str(typo)])
            else:
                monkeypatch.setenv("CRIMEPLAN_STORE", str(typo))
                result = CliRunner().invoke(cli, [*path, *args])
                monkeypatch.delenv("CRIMEPLAN_STORE")
            assert result.exit_code == 1, (path, result.output)
            assert result.output == (
                f"Error: store {typo} does not exist; import data first (crimeplan import …) "
                "or run crimeplan demo\n"
            ), path
            assert not typo.exists() and not (tmp_path / "pack").exists(), path
        checked.append(path[0])
    assert sorted(checked) == [
        "backtest", "counts", "experiment", "measures", "milestones", "report", "update"
    ]  # fmt: skip


def test_examples_lists_what_it_ships(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``crimeplan examples`` copies every shipped file, describes every top-level entry,
    keeps files already there, and says so when run in crimeplan's own folder."""
    from pathlib import Path

    from crimeplan.commands.examples import DESCRIPTIONS

    shipped = Path(__file__).resolve().parents[1] / "crimeplan" / "examples"
    top = {p.name for p in shipped.iterdir() if not p.name.startswith((".", "__"))}
    assert set(DESCRIPTIONS) == top
    out = tmp_path / "examples"
    first = CliRunner().invoke(cli, ["examples", "--out", str(out)])
    assert first.exit_code == 0, first.output
    files = [p for p in shipped.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert f"({len(files)} copied, 0 already there)" in first.output
    (out / "survey.csv").write_text("mine\n", encoding="utf-8")
    again = CliRunner().invoke(cli, ["examples", "--out", str(out)])
    assert f"(0 copied, {len(files)} already there)" in again.output
    assert "kept" in again.stderr and (out / "survey.csv").read_text() == "mine\n"
    own = CliRunner().invoke(cli, ["examples", "--out", str(shipped)])
    assert own.output.endswith("is crimeplan's own examples folder; nothing to copy\n")
