"""A board pack replaced whole or not at all: ``staged_folder`` writes the set beside ``out``
and moves it into place when every file is finished; ``crimeplan report`` killed at several
points leaves the previous pack's formats all at one as-at month."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document

from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError
from crimeplan.plan import builtin_plan_path
from crimeplan.report.build import PACK_ENTRIES
from crimeplan.report.files import STAGING, staged_folder, swap_paths

OWNED = ("a.txt", "b.txt", "data")


def write_set(folder: Path, label: str, names: tuple[str, ...] = ("a.txt", "b.txt")) -> None:
    for name in names:
        (folder / name).write_text(label)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "x.csv").write_text(label)


def labels(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    with staged_folder(out, OWNED) as stage:
        assert stage.parent == tmp_path and stage.name.startswith(".pack.writing-")
        assert not out.exists()  # nothing is in place until the set is finished
        write_set(stage, "new")
    assert labels(out) == {"a.txt": "new", "b.txt": "new", "data/x.csv": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]  # no staging folder left
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def test_a_previous_set_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    write_set(out, "old")
    inode = out.stat().st_ino
    with staged_folder(out, OWNED) as stage:
        write_set(stage, "new", names=("a.txt",))  # b.txt not written this time
        assert labels(out)["a.txt"] == "old"
    assert labels(out) == {"a.txt": "new", "data/x.csv": "new"}  # the old b.txt went with it
    assert out.stat().st_ino != inode  # the folders were swapped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_an_error_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    write_set(out, "old")
    with pytest.raises(RuntimeError), staged_folder(out, OWNED) as stage:
        write_set(stage, "new", names=("a.txt",))
        raise RuntimeError("the PDF failed")
    assert labels(out) == {"a.txt": "old", "b.txt": "old", "data/x.csv": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_other_files_in_the_folder_stay(tmp_path: Path) -> None:
    """``crimeplan demo`` writes its store and plan beside the pack."""
    out = tmp_path / "demo"
    out.mkdir()
    write_set(out, "old")
    (out / "demo.duckdb").write_text("store")
    with staged_folder(out, OWNED) as stage:
        write_set(stage, "new", names=("b.txt",))
    assert labels(out) == {"b.txt": "new", "data/x.csv": "new", "demo.duckdb": "store"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_a_folder_abandoned_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    abandoned = tmp_path / (STAGING.format(name="pack") + f"{dead.stdout.strip()}-x1")
    abandoned.mkdir()
    running = tmp_path / (STAGING.format(name="pack") + f"{os.getpid()}-x2")  # this process
    running.mkdir()
    with staged_folder(out, OWNED) as stage:
        write_set(stage, "new")
    assert not abandoned.exists() and running.exists()


def test_swap_paths(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("a")
    (b / "f").write_text("b")
    swap_paths(a, b)
    assert (a / "f").read_text() == "b" and (b / "f").read_text() == "a"


def test_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes everywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with (
            pytest.raises(CrimeplanError, match="cannot write the pack there"),
            staged_folder(locked / "pack", OWNED),
        ):
            pass
    finally:
        locked.chmod(0o755)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# -- crimeplan report, killed ------------------------------------------------------------


def as_at_of_each_format(out: Path) -> dict[str, str | None]:
    """What each of the pack's files says its data are as at (None: the file is absent)."""
    found: dict[str, str | None] = dict.fromkeys(PACK_ENTRIES)
    if (out / "results.json").exists():
        found["results.json"] = json.loads((out / "results.json").read_text())["as_at"]
    if (out / "board-pack.html").exists():
        html = (out / "board-pack.html").read_text()
        match = re.search(r'<meta name="description" content="([^"]*)">', html)
        found["board-pack.html"] = match[1] if match else "no description"
    if (out / "board-pack.docx").exists():
        doc = Document(io.BytesIO((out / "board-pack.docx").read_bytes()))
        found["board-pack.docx"] = doc.core_properties.comments
    if (out / "board-pack.pdf").exists():
        info = subprocess.run(["pdfinfo", str(out / "board-pack.pdf")],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        match = re.search(r"^Subject:\s+(.*)$", info, re.MULTILINE)
        found["board-pack.pdf"] = match[1] if match else "no subject"
    if (out / "data" / "measures.csv").exists():
        rows = list(csv.DictReader((out / "data" / "measures.csv").read_text().splitlines()))
        found["data"] = rows[0]["month"]
    return found


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_an_interrupted_report_leaves_the_previous_pack_whole(
    demo_store: Store, tmp_path: Path
) -> None:
    store = tmp_path / "demo.duckdb"
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, store)
    out = tmp_path / "pack"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}

    def report(month: str) -> subprocess.Popen[bytes]:
        plan = str(builtin_plan_path())
        command = [sys.executable, "-m", "crimeplan", "report", "--store", str(store),
                   "--plan", plan, "--as-at", month, "--out", str(out)]  # fmt: skip
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def complete(month: str) -> tuple[dict[str, str | None], float]:
        start = time.monotonic()
        process = report(month)
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()
        return as_at_of_each_format(out), time.monotonic() - start

    march, seconds = complete("2013-03")
    assert None not in march.values() and march["results.json"] == "2013-03"
    before, month = march, "2013-04"
    # killed before anything is written, while charts, HTML, PDF and DOCX are made, and
    # about when the finished set is moved into place
    for fraction in (0.25, 0.6, 0.9, 1.0):
        process = report(month)
        time.sleep(fraction * seconds)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)  # reaps it and closes its pipe
        found = as_at_of_each_format(out)
        if found == before:
            continue
        # the run finished before the kill: then every file is at the new month
        assert found["results.json"] == month, (fraction, found)
        assert None not in found.values(), (fraction, found)
        assert all(value != before[key] for key, value in found.items()), (fraction, found)
        before = found
    april, _ = complete("2013-04")
    assert april["results.json"] == "2013-04"
    assert all(april[key] != march[key] for key in PACK_ENTRIES), (march, april)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb", "pack"]


def test_unwritten_files_stay_when_the_key_file_is_unchanged(tmp_path: Path) -> None:
    """``report --format pdf`` again from the same numbers keeps the HTML; from new numbers
    it does not (it would be at another month)."""
    out = tmp_path / "pack"
    out.mkdir()
    write_set(out, "old")
    with staged_folder(out, OWNED, key="a.txt") as stage:
        (stage / "a.txt").write_text("old")  # the same results
        (stage / "data").mkdir()
    assert labels(out) == {"a.txt": "old", "b.txt": "old"}
    with staged_folder(out, OWNED, key="a.txt") as stage:
        (stage / "a.txt").write_text("new")
    assert labels(out) == {"a.txt": "new"}
