"""The demo's results, kept as snapshots a person can review: one file per measure and one per
section of ``results.json`` (tests/snapshots/test_result_snapshots/). A change to any number
shows up as a small diff of one file; ``pytest --overwrite-snapshots`` rewrites them after a
deliberate change, to be read in review before it is committed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crimeplan.codec import to_dict
from crimeplan.results.pack import PackResults

SECTIONS = (
    "plan", "period", "data_notes", "sources", "board_date", "paper", "milestones",
    "repeat_callers", "repeat_victims", "by_area", "data_quality", "experiments",
    "commentary_checks",
    "status_rules",
)  # fmt: skip


def _text(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    # the import dates are the day the test store was made
    return re.sub(r'"imported_on": "\d{4}-\d{2}-\d{2}"', '"imported_on": "…"', text)


def test_every_key_is_in_a_snapshot(demo_pack: PackResults) -> None:
    keys = set(to_dict(demo_pack))
    assert keys == {*SECTIONS, "schema_version", "as_at", "area", "synthetic_data", "measures"}


@pytest.mark.parametrize("section", SECTIONS)
def test_section(demo_pack: PackResults, section: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    snapshot(_text(to_dict(demo_pack)[section]), f"sections/{section}.json")


def test_each_measure(demo_pack: PackResults, snapshot) -> None:  # type: ignore[no-untyped-def]
    ids = [m.id for m in demo_pack.measures]
    snapshot("\n".join(ids) + "\n", "measures/index.txt")
    for measure in demo_pack.measures:
        snapshot(_text(to_dict(measure)), f"measures/{measure.id}.json")
