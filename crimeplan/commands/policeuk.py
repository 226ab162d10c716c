"""CLI commands: ``crimeplan import policeuk``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crimeplan.cli import import_group, open_store, store_option
from crimeplan.data import policeuk
from crimeplan.data.counts import plural, summarise_notes


@import_group.command("policeuk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@store_option()
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Set bad rows aside in a rejects file and import the rest, instead of stopping.",
)
@click.option(
    "--rejects",
    "rejects",
    type=click.Path(path_type=Path),
    help="Where bad rows go with --skip-bad: a CSV file when importing one file, a folder "
    "(one NAME.rejects.csv per file) when importing several. Default: next to each file.",
)
def import_policeuk(
    paths: tuple[Path, ...], store_path: Path, skip_bad: bool, rejects: Path | None
) -> None:
    """Import police.uk archive street and outcomes CSVs, as published.

    PATHS are files or folders. Folders are walked for the archive's files, which are
    imported in month order:

    \b
      YYYY-MM-<force>-street.csv           crimes and ASB, into the crimes table
      YYYY-MM-<force>-outcomes.csv         outcomes, into the outcomes table
      YYYY-MM-<force>-stop-and-search.csv  skipped, with a note (so are other files)

    A run is one transaction: every new file is imported, or, if any file has a problem,
    none is and the store is left exactly as it was. Fix the file and run the same command
    again; files already imported (same sha256) are skipped. A newer file for the same
    force and month replaces the older one's rows. Rows are never de-duplicated.

    Example:

    \b
        crimeplan import policeuk ./police-uk-archive --store force.duckdb
    """
    found = policeuk.find_files(list(paths))
    for note in found.skipped:
        click.echo(note)
    many = len(found.files) > 1
    targets: dict[Path, Path] = {}
    if rejects is not None and many:
        rejects.mkdir(parents=True, exist_ok=True)
        targets = {f.path: rejects / (f.path.name + ".rejects.csv") for f in found.files}
    elif rejects is not None:
        targets = {found.files[0].path: rejects}
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    )
    lines: list[str] = []
    with open_store(store_path) as store, policeuk.bounded_memory(store), progress:
        task = progress.add_task("Importing", total=len(found.files) + 4)

        def show(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total + 1)

        reports = policeuk.import_files(
            store, found.files, skip_bad=skip_bad, rejects_paths=targets, progress=show
        )
        street = [
            r.import_id
            for r in reports
            if r.source == policeuk.STREET_SOURCE and r.import_id and not r.already_imported
        ]
        if street:
            progress.update(task, description="data-quality notes")
            lines = summarise_notes(policeuk.run_quality_notes(store, street))
    for report in reports:
        click.echo(report.summary())
        for note in report.notes:
            click.echo(f"  note: {note}")
    if lines:
        click.echo("Data quality:")
        for line in lines:
            click.echo(f"  {line}")
    added = sum(r.rows for r in reports)
    skipped = sum(1 for r in reports if r.already_imported)
    text = f"{plural(len(reports), 'file')}: {plural(added, 'row')} imported"
    if skipped:
        text += f", {skipped} already imported"
    click.echo(text)
