"""How numbers read in tables and sentences: one place, so every format agrees."""

from __future__ import annotations


def value(number: float | int | None, unit: str) -> str:
    """A measure's value: ``13,024`` for a count, ``43.1%`` for a percentage."""
    if number is None:
        return "–"
    if unit == "percent":
        return f"{number:.1f}%"
    if unit == "rate":
        return f"{number:.2f}"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.1f}"
    return f"{int(number):,}"


def change(points: float | int | None, pct: float | None, unit: str) -> str:
    """A change: ``+6.0%`` for counts, ``+3.1 pts`` for percentages."""
    if unit == "percent":
        if points is None:
            return "–"
        return f"{points:+.1f} pts"
    if pct is None:
        return "–"
    return f"{pct:+.1f}%"


def target(target_kind: str | None, target_value: float | None, unit: str) -> str:
    if target_kind is None or target_value is None:
        return "–"
    if target_kind == "change_pct":
        return f"{target_value:+g}%"
    word = "at least" if target_kind == "at_least" else "at most"
    return f"{word} {value(target_value, unit)}"


def on_course(flag: bool | None) -> str:
    if flag is None:
        return "–"
    return "on course" if flag else "not on course"
