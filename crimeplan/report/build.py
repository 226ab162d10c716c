"""Write a board pack's files: the measures JSON and the HTML pack (more formats later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crimeplan.commands_support import write_text_atomic
from crimeplan.measures.results import MeasuresResult
from crimeplan.plan.model import Plan
from crimeplan.report.html import render_html
from crimeplan.report.pack import build_pack


@dataclass(frozen=True)
class WrittenPack:
    html: Path


def write_html_pack(
    plan: Plan, results: MeasuresResult, out: Path, board_date: date | None = None
) -> Path:
    path = out / "board-pack.html"
    write_text_atomic(path, render_html(build_pack(plan, results, board_date)))
    return path
