"""The README's Quick start: exactly two command lines, and the first one works on a fresh
install (a new virtual environment, the package built from this checkout)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.support.shell import shell_folder

ROOT = Path(__file__).resolve().parents[1]


def quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_two_lines() -> None:
    lines = quick_start_lines()
    assert lines == [
        "pip install . && crimeplan demo",
        "pip install -e '.[test]' && pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_lines()[1].replace("pip install", "pip install -q") in ci


@pytest.mark.slow
def test_first_line_on_a_fresh_install(tmp_path: Path) -> None:
    """``pip install . && crimeplan demo`` in a new venv (dependencies from this one, so the
    test needs no network), run from an empty folder."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # the new venv sees this one's packages (no network in tests), after its own
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "crimeplan-test-parent.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    work = tmp_path / "user"
    work.mkdir()
    environment = {**os.environ, "PATH": f"{env_dir / 'bin'}:{os.environ['PATH']}"}
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(env_dir / "bin" / "crimeplan"), "demo"],
        cwd=work,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = work / "crimeplan-demo"
    for name in ("demo.duckdb", "plan.yaml", "measures.json", "board-pack.html"):
        assert (out / name).is_file(), name
    assert "board-pack.html" in result.stdout and "SYNTHETIC" in result.stdout
    measures = json.loads((out / "measures.json").read_text())
    assert measures["as_at"] == "2013-04"
    # running it twice is safe
    again = subprocess.run(
        [str(env_dir / "bin" / "crimeplan"), "demo"],
        cwd=work,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((out / "measures.json").read_text()) == measures
    for name in ("board-pack.docx", "board-pack.pdf", "results.json", "data/measures.csv"):
        assert (out / name).is_file(), name
    # the example files are in the installed package: crimeplan examples copies them out
    copied = subprocess.run(
        [str(env_dir / "bin" / "crimeplan"), "examples"],
        cwd=work,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert copied.returncode == 0, copied.stdout + copied.stderr
    shipped = sorted(
        p.relative_to(ROOT / "crimeplan" / "examples")
        for p in (ROOT / "crimeplan" / "examples").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    assert sorted(p.relative_to(work / "examples") for p in (work / "examples").rglob("*")
                  if p.is_file()) == shipped  # fmt: skip


def own_data_lines() -> list[str]:
    """The command lines of the README's "Use your own data" session."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use your own data", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_own_data_session_uses_shipped_files_only() -> None:
    lines = own_data_lines()
    assert lines[0].startswith("crimeplan examples")
    for line in lines:
        assert line.startswith("crimeplan "), line
        for word in line.split("#")[0].split():
            if "/" in word:
                assert word.startswith("examples/"), word
                assert (ROOT / "crimeplan" / word).exists(), word
    # the areas line gives the force (the ONS lookup has no force column)
    assert any("import areas" in line and "--force" in line for line in lines)


@pytest.mark.slow
def test_own_data_session_runs_as_printed(tmp_path: Path) -> None:
    """The README's "Use your own data" lines, run one by one in a shell in an empty folder
    (crimeplan from this checkout), each exiting 0; the measures are as at a month of the
    example plan's year, compared with the same months of its baseline year, for the plan's
    next board meeting (issue 11: not a month outside the plan year)."""

    work, env = shell_folder(tmp_path)
    outputs = []
    for line in own_data_lines():
        result = subprocess.run(
            ["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}{result.stderr}"
        outputs.append(result.stdout)
    assert "21 files: 2,824 rows imported" in outputs[1]
    assert "23 rows imported" in outputs[2]
    assert outputs[3].splitlines()[0] == "month,category,count"
    assert "Year to date 2021-04 to 2021-08 against 2020-04 to 2020-08." in outputs[5]
    assert "outside the plan year" not in outputs[5]
    results = json.loads((work / "pack" / "results.json").read_text(encoding="utf-8"))
    assert results["as_at"] == "2021-08"
    assert results["board_date"] == "2021-09-14"  # the plan's meeting after the as-at month
    assert results["period"]["year_to_date"] == ["2021-04", "2021-08"]
