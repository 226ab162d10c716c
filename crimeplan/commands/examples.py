"""``crimeplan examples``: copy the example files shipped with crimeplan into a folder.

The files live in the package (``crimeplan/examples/``, package data, so a ``pip install``
has them; in a clone ``examples/`` at the top is a link to the same folder). Every command's
``--help`` example and the README's "Use your own data" session use them as ``examples/…``:
run ``crimeplan examples`` first in the folder you work in.
"""

from __future__ import annotations

import filecmp
import shutil
from importlib.resources import as_file, files
from pathlib import Path

import click

from crimeplan.cli import cli

#: What each example is, for the listing (the folder's README.md says more).
DESCRIPTIONS = {
    "README.md": "what every file is, where it comes from, its licence",
    "policeuk-plan.yaml": "a plan on police.uk data alone (Leicestershire Police, 2021/22)",
    "policeuk": "police.uk street CSVs, Dec 2019 to Aug 2021: Rutland's rows (real)",
    "LSOA11_WD19_LAD19_Rutland.csv": "the ONS LSOA → ward → LAD lookup for Rutland (real)",
    "rec-crime-pfa.csv": "ONS rolling-year recorded crime for four forces (real, cut)",
    "moj-reoffending-2013-02.csv": "the MoJ reoffending table of the 2013 West Midlands paper",
    "population.csv": "population by area and year (illustrative figures)",
    "survey.csv": "survey results (illustrative)",
    "incidents.csv": "incidents, calls for service (illustrative)",
    "crimes-extract.xlsx": "a force's own crime extract (made up: Example Constabulary)",
    "crimes-mapping.yaml": "the column mapping that reads crimes-extract.xlsx",
    "b2-update.txt": "a lead's longer progress note, for crimeplan update --note-file",
}


@cli.command("examples")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("examples"),
    show_default=True,
    help="Folder to copy the example files into.",
)
def examples_command(out: Path) -> None:
    """Copy the example files shipped with crimeplan (police.uk and ONS cuts, a plan, one
    file of every importer's layout) into a folder, for the examples of every command's
    --help and the README. Files already there are left as they are.

    Example:

    \b
        crimeplan examples --out examples
    """
    with as_file(files("crimeplan") / "examples") as source:
        if out.exists() and out.resolve() == source.resolve():
            click.echo(f"{out}/ is crimeplan's own examples folder; nothing to copy")
            return
        written, kept = 0, 0
        for path in sorted(source.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.name.startswith("."):
                continue
            target = out / path.relative_to(source)
            if target.exists():
                kept += 1
                if not filecmp.cmp(path, target, shallow=False):
                    click.echo(f"  kept {target} (it differs from the shipped file)", err=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            written += 1
    click.echo(f"Example files in {out}/ ({written} copied, {kept} already there):")
    for name, what in DESCRIPTIONS.items():
        click.echo(f"  {name:<31} {what}")
