"""``crimeplan spc``: XmR charts of series given as JSON on stdin."""

from __future__ import annotations

import json
import math
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
    data = read_json(sys.stdin.read())
    if isinstance(data, list):
        charts: Any = [_chart(item, f"item {i}: ") for i, item in enumerate(data)]
    else:
        charts = _chart(data, "")
    click.echo(json.dumps(charts, indent=2, allow_nan=False))


#: The largest size of a value or target: beyond it a double no longer holds every whole
#: number (2**53 is about 9.0e15), and sums and ranges of the values stay finite.
LARGEST_VALUE = 1e15
#: The most characters of the input an error message quotes.
QUOTED_CHARACTERS = 80
_EXPECTED = '(expected one object or a list of objects, e.g. {"values": [12, 15, 11]})'


class _NotJson(ValueError):
    """A number JSON does not have (NaN, Infinity) or cannot hold (1e400)."""


def _no_constant(name: str) -> float:
    raise _NotJson(f"{name} is not a JSON number; give a number or null")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"{_cut(text)} is too large for a number")
    return value


def _whole(text: str) -> int | float:
    if len(text) > 20:  # beyond 64 bits: Python reads it, but no value is that large
        raise _NotJson(f"{_cut(text)} is too large for a number")
    return int(text)


def read_json(text: str) -> Any:
    """The JSON document of ``text``: a one-line ``CrimeplanError`` if it is not JSON, uses
    NaN or Infinity (which JSON has not), a number too large to hold, or nests too deep."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite, parse_int=_whole)
    except json.JSONDecodeError as error:
        raise CrimeplanError(
            f"stdin is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno} {_EXPECTED}"
        ) from None
    except _NotJson as error:
        raise CrimeplanError(f"stdin: {error} {_EXPECTED}") from None
    except RecursionError:
        raise CrimeplanError(f"stdin: the JSON is nested too deep {_EXPECTED}") from None


def _cut(text: str) -> str:
    return text if len(text) <= QUOTED_CHARACTERS else text[:QUOTED_CHARACTERS] + "…"


def check_sizes(obj: Any) -> None:
    """Refuse a value or target beyond ``LARGEST_VALUE`` in size, naming it (other wrong
    types are the chart's to report)."""
    if not isinstance(obj, dict):
        return
    numbers: list[tuple[str, Any]] = [("target", obj.get("target"))]
    values = obj.get("values")
    if isinstance(values, list):
        numbers += [(f"values[{i}]", value) for i, value in enumerate(values)]
    for name, value in numbers:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and not abs(value) <= LARGEST_VALUE:
            raise CrimeplanError(
                f"field '{name}': expected a number from -{LARGEST_VALUE:.0e} to "
                f"{LARGEST_VALUE:.0e}, got {_cut(str(value))}"
            )


def _chart(obj: Any, where: str) -> dict[str, Any]:
    try:
        check_sizes(obj)
        return spc_from_json(obj)
    except CrimeplanError as error:
        raise CrimeplanError(f"{where}{_cut_message(str(error))}") from None


def _cut_message(message: str) -> str:
    """The message with what it quotes after "got " cut to a readable length."""
    head, got, quoted = message.partition(", got ")
    return f"{head}{got}{_cut(quoted)}" if got else message
