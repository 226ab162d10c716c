"""police.uk archive files: ``crimeplan import policeuk PATHS...``.

The registry entry: street and outcomes CSVs, as published, from files or whole folders, in
one transaction (``crimeplan.data.policeuk`` does the work), then the data-quality notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crimeplan.data import policeuk
from crimeplan.data.counts import plural, summarise_notes
from crimeplan.data.sources.flow import Layout, Target
from crimeplan.data.sources.importer import Importer, Request, report_lines

STREET = Layout(
    "policeuk street",
    policeuk.STREET_HEADER,
    what="police.uk street CSV",
)
OUTCOMES = Layout(
    "policeuk outcomes",
    policeuk.OUTCOMES_HEADER,
    what="police.uk outcomes CSV",
)
#: A newer file for the same force and month replaces the older one's rows.
TARGETS = (
    Target(source=policeuk.STREET_SOURCE, table="crimes", keys=("force", "month")),
    Target(source=policeuk.OUTCOMES_SOURCE, table="outcomes", keys=("force", "month")),
)


def _run(request: Request) -> Iterator[str]:
    found = policeuk.find_files(list(request.paths))
    yield from found.skipped
    targets: dict[Path, Path] = {}
    if request.rejects is not None and len(found.files) > 1:
        request.rejects.mkdir(parents=True, exist_ok=True)
        targets = {f.path: request.rejects / (f.path.name + ".rejects.csv") for f in found.files}
    elif request.rejects is not None:
        targets = {found.files[0].path: request.rejects}
    said = request.progress or (lambda description, done, total: None)
    last = (0, len(found.files) + 4)

    def show(description: str, done: int, total: int) -> None:
        nonlocal last
        last = (done, total + 1)  # one more step: the data-quality notes
        said(description, *last)

    lines: list[str] = []
    with request.open_store() as store, policeuk.bounded_memory(store):
        said("Importing", *last)
        reports = policeuk.import_files(
            store, found.files, skip_bad=request.skip_bad, rejects_paths=targets, progress=show
        )
        street = [
            r.import_id
            for r in reports
            if r.source == policeuk.STREET_SOURCE and r.import_id and not r.already_imported
        ]
        if street:
            said("data-quality notes", *last)
            lines = summarise_notes(policeuk.run_quality_notes(store, street))
    for report in reports:
        yield from report_lines(report)
    if lines:
        yield "Data quality:"
        yield from (f"  {line}" for line in lines)
    added = sum(r.rows for r in reports)
    skipped = sum(1 for r in reports if r.already_imported)
    text = f"{plural(len(reports), 'file')}: {plural(added, 'row')} imported"
    if skipped:
        text += f", {skipped} already imported"
    yield text


IMPORTER = Importer(
    name="policeuk",
    help="""Import police.uk archive street and outcomes CSVs, as published.

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
        crimeplan import policeuk examples/policeuk --store force.duckdb
    """,
    layouts=(STREET, OUTCOMES),
    targets=TARGETS,
    many=True,
    run=_run,
)
