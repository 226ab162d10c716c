"""A force's own crime extract: ``crimeplan import crimes FILE --mapping MAPPING.yaml``.

The registry entry only: the mapping file and the import are ``crimeplan.data.extract``,
loaded when the command runs (it needs pydantic and YAML, which listing commands does not).
"""

from __future__ import annotations

from collections.abc import Iterator

from crimeplan.data.sources.flow import Target
from crimeplan.data.sources.importer import Importer, Option, Request, report_lines

#: A newer extract replaces the earlier records of the same force and months.
TARGET = Target(source="extract", table="crimes", keys=("force", "month"))


def _run(request: Request) -> Iterator[str]:
    from crimeplan.data.extract import import_extract, load_mapping

    mapping_path = request.file("mapping")
    if mapping_path is None:  # pragma: no cover - click requires --mapping
        raise ValueError("--mapping is required")
    mapping = load_mapping(mapping_path)  # before the store: a bad mapping changes nothing
    with request.open_store() as store:
        report = import_extract(
            store,
            request.path,
            mapping,
            force=request.text("force"),
            skip_bad=request.skip_bad,
            rejects_path=request.rejects,
        )
    yield from report_lines(report)


IMPORTER = Importer(
    name="crimes",
    help="""Import a force's own crime extract (CSV or .xlsx) through a column mapping.

    A newer extract replaces the earlier records of the same force and months.

    Example:

    \b
        crimeplan import crimes examples/crimes-extract.xlsx \\
            --mapping examples/crimes-mapping.yaml --store force.duckdb
    """,
    targets=(TARGET,),
    options=(
        Option(
            "--mapping",
            "mapping",
            "The column-mapping YAML file (see docs/data-formats.md).",
            file=True,
            required=True,
        ),
        Option("--force", "force", "The force's name (overrides the mapping's force)."),
    ),
    run=_run,
)
