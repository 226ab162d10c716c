"""``crimeplan spc``: XmR charts of series given as JSON on stdin."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from crimeplan.cli import cli
from crimeplan.errors import CrimeplanError
from crimeplan.stats.spc import spc_from_json


@cli.command("spc")
def spc_command() -> None:
    """Read one series (a JSON object) or several (a list of objects) on stdin and write
    each one's XmR chart, the way NHSRplotthedots draws it for "Making Data Count": the
    mean and process limits of the last segment, a type for each point, the variation and
    assurance icons, and every segment. An object gives an object, a list gives a list.
    Limits are null where they are undefined: a segment's undefined_limits says why
    (no_variation: every moving range is 0, as NHSRplotthedots gives NaN; too_few_values).

    Input keys: values (numbers or nulls, oldest first; required), improvement_direction
    (increase, decrease or neutral; default neutral), target (number or null),
    rebase_at_index (0-based indices that start a new segment), screen_outliers (default
    true), fix_after_n_points (12 or more, or null).

    Example:

        \b
        echo '{"values": [42, 39, 47, 41, 38, 45, 50], "improvement_direction": "decrease",
        "target": 40}' | crimeplan spc
    """
    text = sys.stdin.read()
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise CrimeplanError(
            f"stdin is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno} (expected one object or a list of objects, "
            'e.g. {"values": [12, 15, 11]})'
        ) from None
    if isinstance(data, list):
        charts: Any = [_chart(item, f"item {i}: ") for i, item in enumerate(data)]
    else:
        charts = _chart(data, "")
    click.echo(json.dumps(charts, indent=2, allow_nan=False))


def _chart(obj: Any, where: str) -> dict[str, Any]:
    try:
        return spc_from_json(obj)
    except CrimeplanError as error:
        raise CrimeplanError(f"{where}{error}") from None
