"""A run's plan: a ``PlannedFile`` per file (already imported, the same as an earlier file of
the run, or new), filled in by the scan and the write, and the report and notes made from
it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crimeplan.data import categories
from crimeplan.data.counts import plural
from crimeplan.data.ingest import display_name
from crimeplan.data.policeuk.checks import KindSpec, spec_for
from crimeplan.data.policeuk.files import FILE_NAME_PATTERN, Kind, PoliceUkFile
from crimeplan.data.store import ImportRecord, ImportReport, Store
from crimeplan.periods import format_month


@dataclass
class PlannedFile:
    """A file of the run, once its text, header and sha256 are checked."""

    file: PoliceUkFile
    spec: KindSpec
    name: str
    sha256: str
    earlier: ImportRecord | None = None  # already in the store (same source and sha256)
    same_as: PlannedFile | None = None  # the same content earlier in this run
    replaces: int | None = None  # with --replace: the earlier import of this file it supersedes
    rejects_path: Path | None = None
    # filled in by the scan
    total: int = 0  # rows read (good and bad; lines the CSV reader rejected are not rows)
    bad: int = 0  # bad lines: rows failing a check and lines the CSV reader rejected
    keys: dict[tuple[str, date], int] = dataclasses.field(default_factory=dict)
    legacy: dict[str, int] = dataclasses.field(default_factory=dict)
    rejects_file: Path | None = None
    # filled in by the write
    import_id: int | None = None
    replaced: int = 0
    dropped: set[tuple[str, date]] = dataclasses.field(default_factory=set)

    @property
    def new(self) -> bool:
        return self.earlier is None and self.same_as is None

    @property
    def good(self) -> int:
        return sum(self.keys.values())

    def months(self) -> list[date]:
        return sorted({month for _, month in self.keys})

    def forces(self) -> list[str]:
        return sorted({force for force, _ in self.keys})


def plan_files(
    store: Store,
    files: Sequence[PoliceUkFile],
    sha256s: Sequence[str],
    rejects_paths: Mapping[Path, Path] | None,
    step: Callable[[str, int], None] | None,
) -> list[PlannedFile]:
    """A plan per file: already imported (same source and sha256), the same as an earlier
    file of the run, or new."""
    planned: list[PlannedFile] = []
    seen: dict[tuple[str, str], PlannedFile] = {}
    for done, (file, sha256) in enumerate(zip(files, sha256s, strict=True)):
        if step is not None:
            step(f"checking {file.path.name}", done)
        spec = spec_for(file.kind)
        plan = PlannedFile(file, spec, display_name(file.path), sha256)
        plan.earlier = store.find_import(spec.source, sha256)
        if plan.earlier is not None and store.replace_same_files:
            plan.replaces, plan.earlier = plan.earlier.import_id, None
        plan.same_as = seen.get((spec.source, sha256))
        if plan.new:
            seen[(spec.source, sha256)] = plan
        target = (rejects_paths or {}).get(file.path)
        plan.rejects_path = target or file.path.with_name(file.path.name + ".rejects.csv")
        planned.append(plan)
    return planned


def new_file_batches(planned: list[PlannedFile]) -> list[list[PlannedFile]]:
    """The new files of each kind, street first."""
    kinds: tuple[Kind, ...] = ("street", "outcomes")
    batches = [[p for p in planned if p.new and p.file.kind == kind] for kind in kinds]
    return [batch for batch in batches if batch]


def assign_import_ids(store: Store, planned: list[PlannedFile]) -> int:
    """Number the run's new files after the last import; returns the last import's id."""
    row = store.con.execute("SELECT coalesce(max(import_id), 0) FROM imports").fetchone()
    last_id = before = int(row[0]) if row else 0
    for plan in planned:
        if plan.new:
            last_id += 1
            plan.import_id = last_id
    return before


def file_notes(plan: PlannedFile) -> list[str]:
    """What is worth knowing about a file that is not an error: several months in one file,
    a month that differs from the file name's, legacy category names, several forces; and
    (for the import log only) the import of the same file it replaced."""
    notes: list[str] = []
    months = plan.months()
    if len(months) > 1:
        notes.append(
            f"rows for {len(months)} months ({format_month(months[0])} to "
            f"{format_month(months[-1])}) in one file"
        )
    match = FILE_NAME_PATTERN.match(plan.file.path.name)
    if match and months:
        named = f"{match.group(1)}-{match.group(2)}"
        if [format_month(m) for m in months] != [named]:
            listed = ", ".join(format_month(m) for m in months)
            notes.append(f"file name says {named}, rows are for {listed}")
    forces = plan.forces()
    if len(forces) > 1:
        notes.append(f"rows for {len(forces)} forces in one file")
    for legacy, stored in categories.LEGACY.items():
        count = plan.legacy.get(legacy, 0)
        if not count:
            continue
        if stored != legacy:
            notes.append(f"{plural(count, 'row')} of pre-May-2013 '{legacy}' stored as '{stored}'")
        else:
            notes.append(
                f"{plural(count, 'row')} of pre-May-2013 '{legacy}' kept as a category "
                "of its own "
                "(it cannot be split into 'Public order' and 'Possession of weapons')"
            )
    return notes


def file_report(plan: PlannedFile) -> ImportReport:
    """The ``ImportReport`` of a file of the run: for a file already imported (or the same
    as an earlier file of the run) no rows and that import's id and months; for a new file
    its rows, rejects, replaced rows and notes."""
    if not plan.new:
        import_id: int | None
        if plan.earlier is not None:
            earlier = plan.earlier
            import_id, first, last = earlier.import_id, earlier.first_month, earlier.last_month
        else:
            assert plan.same_as is not None
            months = plan.same_as.months()
            import_id = plan.same_as.import_id
            first, last = (months[0], months[-1]) if months else (None, None)
        return ImportReport(
            file=plan.name,
            source=plan.spec.source,
            rows=0,
            already_imported=True,
            import_id=import_id,
            first_month=first,
            last_month=last,
        )
    months = plan.months()
    return ImportReport(
        file=plan.name,
        source=plan.spec.source,
        rows=plan.good,
        rejected=plan.bad,
        replaced=plan.replaced,
        import_id=plan.import_id,
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
        rejects_file=str(plan.rejects_file) if plan.rejects_file else None,
        notes=tuple(file_notes(plan)),
        replaced_import=plan.replaces,
    )
