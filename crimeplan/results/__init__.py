"""The results contract: what computing hands to presenting.

``evaluate(plan, engine, as_at)`` gives a ``MeasuresResult`` (the measures JSON) and
``evaluate_pack(plan, engine, as_at, board_date)`` a ``PackResults`` (``results.json``):
frozen, typed data, with notes as codes and no English. Every presenter — the HTML, DOCX and
PDF pack, the measures and milestones commands, the web pages and the API — reads these and
nothing else. ``crimeplan.codec`` writes them as JSON and reads them back
(``from_dict(PackResults, to_dict(x)) == x``); ``docs/results.schema.json`` is their JSON
Schema, generated from the types (``python -m crimeplan.results.schema``).

The modules: ``measure`` (a measure, its series and comparison, ``MeasuresResult``),
``statistics`` (control chart, change test), ``notes`` (the notes' codes), ``milestones``,
``experiments`` and ``pack`` (``PackResults``). The forecast, the peer comparison and the
facts are the statistics' own types (``crimeplan.stats``).
"""

from __future__ import annotations

from crimeplan.results.commentary import CommentaryCheck
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import (
    SCHEMA_VERSION,
    Comparison,
    DataSource,
    MeasureResult,
    MeasuresResult,
    SeriesPoint,
    Target,
)
from crimeplan.results.milestones import MilestoneLine, MilestoneListing, MilestoneUpdate
from crimeplan.results.pack import PackResults, Paper, QualityNote, Repeats, SurveyArea
from crimeplan.results.statistics import ChangeTest, CountChangeTest, ProportionChangeTest, Spc

__all__ = [
    "SCHEMA_VERSION",
    "ChangeTest",
    "CommentaryCheck",
    "Comparison",
    "CountChangeTest",
    "DataSource",
    "ExperimentResult",
    "MeasureResult",
    "MeasuresResult",
    "MilestoneLine",
    "MilestoneListing",
    "MilestoneUpdate",
    "PackResults",
    "Paper",
    "ProportionChangeTest",
    "QualityNote",
    "Repeats",
    "SeriesPoint",
    "Spc",
    "SurveyArea",
    "Target",
]
