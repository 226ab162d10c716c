"""Write a board pack's files: ``results.json``, ``data/`` (a CSV of the numbers behind every
table and chart), and the pack as HTML, DOCX and PDF.

One chart definition per measure (``crimeplan.report.charts``) is rendered as SVG for HTML
and PDF and as PNG for DOCX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from crimeplan.codec import to_json
from crimeplan.errors import CrimeplanError
from crimeplan.report.files import staged_folder, write_bytes_atomic, write_text_atomic
from crimeplan.report.pack import BoardPack, build_pack
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import MeasureResult, PublishedRow
from crimeplan.results.pack import PackResults
from crimeplan.results.statistics import CountChangeTest
from crimeplan.stats.spc import Segment

FORMATS = ("html", "docx", "pdf", "json")


@dataclass(frozen=True)
class WrittenPack:
    """The files written, by format (``json`` is results.json; ``data`` the CSV folder)."""

    files: dict[str, Path]
    data_files: tuple[Path, ...]

    @property
    def html(self) -> Path:
        return self.files["html"]


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; a one-line error for anything unknown."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in asked if part not in FORMATS]
    if unknown or not asked:
        raise CrimeplanError(
            f"--format '{text}': expected a comma-separated list of {', '.join(FORMATS)}"
        )
    return tuple(dict.fromkeys(asked))


def results_json(results: PackResults) -> str:
    return to_json(results)


#: What ``write_pack`` writes into ``out``: the set that replaces the previous pack whole.
PACK_ENTRIES = ("results.json", "board-pack.html", "board-pack.docx", "board-pack.pdf", "data")


def write_pack(
    results: PackResults,
    out: Path,
    formats: Sequence[str] = FORMATS,
    annex: Sequence[str] = (),
    *,
    full: bool = False,
) -> WrittenPack:
    """Write the pack in each of ``formats`` into ``out``, with results.json and data/: from
    the results alone. ``annex`` names the analyst's annexes to add (``"checks"``); ``full``:
    every measure in full in the body, no appendix. The files
    are written into a folder beside ``out`` and moved into place when every one is finished,
    so that an interrupted run leaves the previous pack in ``out`` whole, all its files at one
    as-at month (``crimeplan.report.files.staged_folder``). A format not written this time is
    removed, unless results.json is unchanged."""
    with staged_folder(out, PACK_ENTRIES, key="results.json") as stage:
        staged = _write_files(results, stage, formats, annex, full)
    files = {key: out / path.name for key, path in staged.files.items()}
    data_files = tuple(out / path.relative_to(stage) for path in staged.data_files)
    return WrittenPack(files=files, data_files=data_files)


def _write_files(
    results: PackResults, out: Path, formats: Sequence[str], annex: Sequence[str], full: bool
) -> WrittenPack:
    from crimeplan.report.charts import render_svg, spc_chart, svg_to_png

    files: dict[str, Path] = {}
    files["json"] = out / "results.json"
    write_text_atomic(files["json"], results_json(results))
    data_files = write_data(results, out / "data")
    charted = [m for m in results.measures if m.series]
    svgs: dict[str, str] = {}
    if {"html", "pdf", "docx"} & set(formats):
        with ThreadPoolExecutor(max_workers=2) as pool:
            rendered = pool.map(lambda m: render_svg(spc_chart(m)), charted)
            svgs = dict(zip((m.id for m in charted), rendered, strict=True))
    pack: BoardPack | None = None
    if "html" in formats or "pdf" in formats:
        from crimeplan.report.html import render_html

        inline = {key: _inline_svg(svg) for key, svg in svgs.items()}
        pack = build_pack(results, inline, annex, full=full)
        html = render_html(pack)
        if "html" in formats:
            files["html"] = out / "board-pack.html"
            write_text_atomic(files["html"], html)
        if "pdf" in formats:
            from crimeplan.report.pdf import render_pdf

            files["pdf"] = out / "board-pack.pdf"
            write_bytes_atomic(files["pdf"], render_pdf(html))
    if "docx" in formats:
        from crimeplan.report.docx import render_docx

        pngs = {key: svg_to_png(svg) for key, svg in svgs.items()}
        files["docx"] = out / "board-pack.docx"
        write_bytes_atomic(
            files["docx"], render_docx(pack or build_pack(results, annex=annex, full=full), pngs)
        )
    return WrittenPack(files=files, data_files=tuple(data_files))


def _inline_svg(svg: str) -> str:
    """An SVG document as an element to put inside HTML (no XML declaration)."""
    text = svg.strip()
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :].lstrip()
    return text


def _csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


MEASURE_COLUMNS = (
    "id", "title", "kind", "unit", "month", "month_value", "ytd", "baseline_ytd", "change",
    "change_pct", "change_ci95_low", "change_ci95_high", "p_value", "target_pct", "on_course",
    "forecast_year_end", "forecast_pi80_low", "forecast_pi80_high", "p_meet_target",
    "variation_icon", "assurance_icon", "status", "previous_status", "movement", "action",
    "action_owner", "action_due",
)  # fmt: skip


def _measure_row(m: MeasureResult) -> tuple[Any, ...]:
    test, forecast, spc, status, action = m.change_test, m.forecast, m.spc, m.status, m.action
    interval: tuple[Any, Any] = (None, None)
    if test is not None:
        interval = test.change_ci95 if isinstance(test, CountChangeTest) else test.difference_ci95
    return (
        m.id, m.title, m.kind, m.unit, m.month, m.month_value, m.ytd, m.baseline_ytd, m.change,
        m.change_pct, *interval, test.p_value if test else None, m.target_pct, m.on_course,
        forecast.year_end if forecast else None,
        *(forecast.pi80 if forecast and forecast.pi80 else (None, None)),
        forecast.p_meet_target if forecast else None,
        spc.variation_icon if spc else None, spc.assurance_icon if spc else None,
        status.status if status else None,
        status.previous.status if status and status.previous else None,
        status.movement if status else None,
        *((action.text, action.owner, action.due.isoformat()) if action else (None,) * 3),
    )  # fmt: skip


def write_data(results: PackResults, folder: Path) -> list[Path]:
    """The numbers behind every table and chart, one CSV each."""
    written: list[Path] = []

    def put(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        path = folder / name
        write_text_atomic(path, _csv(rows, header))
        written.append(path)

    put("measures.csv", MEASURE_COLUMNS, (_measure_row(m) for m in results.measures))
    for m in results.measures:
        if m.table:
            put(
                f"tables/{m.id}.csv",
                tuple(f.name for f in fields(PublishedRow)),
                (astuple(row) for row in m.table),
            )
        if not m.series:
            continue
        spc = m.spc
        types = list(spc.point_types) if spc else [None] * len(m.series)
        segments = spc.segments if spc else ()

        def limits(index: int, segments: Sequence[Segment] = segments) -> tuple[Any, ...]:
            for segment in segments:
                if segment.start_index <= index <= segment.end_index:
                    return segment.mean, segment.lpl, segment.upl
            return None, None, None

        put(
            f"series/{m.id}.csv",
            (
                "month",
                "value",
                "numerator",
                "denominator",
                "mean",
                "lower_limit",
                "upper_limit",
                "point_type",
                "target",
            ),  # fmt: skip
            (
                (
                    p.month,
                    p.value,
                    p.numerator,
                    p.denominator,
                    *limits(i),
                    types[i],
                    spc.target if spc else None,
                )  # fmt: skip
                for i, p in enumerate(m.series)
            ),
        )
        if m.peers:
            put(
                f"peers/{m.id}.csv",
                ("force", "rank", "numerator", "denominator", "value", "ci95_low", "ci95_high"),
                (
                    (f.name, f.rank, f.numerator, f.denominator, f.value, *f.ci95)
                    for f in m.peers.forces
                ),
            )
    for key, rows in results.by_area.items():
        put(
            f"by_area/{key}.csv",
            ("area", "wave", "positive", "respondents", "value_pct", "ci95_low", "ci95_high"),
            ((r.area, r.wave, r.positive, r.respondents, r.value_pct, *r.ci95) for r in rows),
        )
    for repeats in (results.repeat_callers, results.repeat_victims):
        if repeats is not None:
            put(
                f"repeat_{repeats.kind}.csv",
                ("pseudonym", "count"),
                ((e.id, e.count) for e in repeats.top),
            )
    if results.milestones is not None:
        put(
            "milestones.csv",
            (
                "objective",
                "milestone",
                "title",
                "leads",
                "cadence",
                "status",
                "state",
                "latest_update",
                "due",
                "overdue",
            ),  # fmt: skip
            (
                (
                    line.objective_id,
                    line.milestone_id,
                    line.title,
                    "; ".join(line.leads),
                    line.cadence,
                    line.latest_status,
                    line.state,
                    line.latest_update.date.isoformat() if line.latest_update else None,
                    line.due,
                    line.overdue,
                )  # fmt: skip
                for line in results.milestones.milestones
            ),
        )
    if results.experiments:
        put(
            "experiments.csv", EXPERIMENT_COLUMNS, (_experiment_row(e) for e in results.experiments)
        )
    put(
        "sources.csv",
        ("file_name", "source", "sha256", "rows", "first_month", "last_month", "imported_on"),
        (
            (s.file_name, s.source, s.sha256, s.rows, s.first_month, s.last_month, s.imported_on)
            for s in results.sources
        ),
    )
    return written


EXPERIMENT_COLUMNS = (
    "id", "title", "design", "measure", "status", "before_first", "before_last",
    "after_first", "after_last", "evaluated_to", "months_so_far", "months_after",
    "treatment", "control", "treatment_before", "treatment_after", "control_before",
    "control_after", "estimate", "ci95_low", "ci95_high", "p_value", "more_than_chance",
    "wdd", "wdd_ci95_low", "wdd_ci95_high", "wdd_p_value",
)  # fmt: skip


def _experiment_row(e: ExperimentResult) -> tuple[Any, ...]:
    """One experiment of ``data/experiments.csv``: its periods, arms' counts and estimates."""
    treatment, control = e.arm("treatment"), e.arm("control")
    wdd = e.did.wdd if e.did else None
    return (
        e.id, e.title, e.design, e.measure, e.status,
        *(e.before or (None, None)), *e.after,
        e.evaluated_after[1] if e.evaluated_after else None, e.months.after_so_far,
        e.months.after,
        treatment.area_set if treatment else None, control.area_set if control else None,
        treatment.before if treatment else None, treatment.after if treatment else None,
        control.before if control else None, control.after if control else None,
        e.estimate, *(e.ci95 or (None, None)), e.p_value, e.more_than_chance,
        *((wdd.estimate, *wdd.ci95, wdd.p_value) if wdd else (None,) * 4),
    )  # fmt: skip
