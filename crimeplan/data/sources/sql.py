"""SQL over staged text columns: the pieces every importer's values and checks are made of.

A staged file is a TEMP table of VARCHAR columns named as the file's header (plus
``source_line``). These functions return SQL expressions over one such column::

    text("area")              the value, trimmed; blank is NULL
    number("actual_rate")     7.71% → 7.71, 53,897 → 53897.0 (DOUBLE)
    count("cohort")           53,897 → 53897 (BIGINT)
    day("period_start")       2013-04-30 → that date, 2013-04 → 2013-04-01
    period_end("period_end")  like day, but 2013-04 → 2013-04-30
    month("month")            the first day of the value's month

and ``RowCheck``s, the rules a row must keep (``required``, ``number_check``, …), whose
reason is the message a user reads: ``FILE:LINE: column 'X': <reason>, found 'value'``.
"""

from __future__ import annotations

import dataclasses

from crimeplan.data.ingest import RowCheck

INTEGER_PATTERN = r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)"
NUMBER_PATTERN = rf"-?{INTEGER_PATTERN}(\.[0-9]+)?%?"

#: The date-time layouts ``date_time`` accepts, tried in order.
DATE_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


def col(name: str) -> str:
    """A quoted column name."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def text(name: str) -> str:
    """The column's value, trimmed; blank is NULL."""
    return f"nullif(trim({col(name)}), '')"


def is_number(name: str) -> str:
    """True for 12, -3.5, 53,897, 7.71% (thousands separators and a trailing % accepted)."""
    return f"regexp_full_match(trim({col(name)}), {lit(NUMBER_PATTERN)})"


def number(name: str) -> str:
    """The value as a DOUBLE, without thousands separators or a trailing %; NULL if it is
    not one (``number_check`` says why)."""
    return f"TRY_CAST(replace(rtrim(trim({col(name)}), '%'), ',', '') AS DOUBLE)"


def number_fits(name: str) -> str:
    """True when ``number(name)`` is finite and below ``LARGEST_NUMBER`` in size (a value of
    400 digits would be stored as infinity)."""
    return f"coalesce(abs({number(name)}) < {LARGEST_NUMBER:.0e}, false)"


def is_count(name: str, *, signed: bool = False) -> str:
    """True for a whole number (non-negative unless ``signed``), thousands separators allowed."""
    pattern = ("-?" if signed else "") + INTEGER_PATTERN
    return f"regexp_full_match(trim({col(name)}), {lit(pattern)})"


def count(name: str) -> str:
    """The value as a BIGINT, without thousands separators; NULL if it is not one or does
    not fit in 64 bits (``count_check`` says which)."""
    return f"TRY_CAST(replace(trim({col(name)}), ',', '') AS BIGINT)"


def day(name: str) -> str:
    """A YYYY-MM-DD date, or a YYYY-MM month (its first day); NULL if neither."""
    value = f"trim({col(name)})"
    return (
        f"CAST(CASE WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}') "
        f"THEN try_strptime({value} || '-01', '%Y-%m-%d') "
        f"WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN try_strptime({value}, '%Y-%m-%d') END AS DATE)"
    )


def period_end(name: str) -> str:
    """Like ``day``, but a YYYY-MM month means its last day."""
    value = f"trim({col(name)})"
    return (
        f"CASE WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}') "
        f"THEN last_day({day(name)}) ELSE {day(name)} END"
    )


def month(name: str) -> str:
    """The first day of the month of ``day(name)``."""
    return f"CAST(date_trunc('month', {day(name)}) AS DATE)"


def date_time(name: str) -> str:
    """A timestamp in one of ``DATE_TIME_FORMATS``; NULL if none fits."""
    formats = ", ".join(lit(f) for f in DATE_TIME_FORMATS)
    return f"try_strptime(trim({col(name)}), [{formats}])"


def slug(name: str) -> str:
    """'Domestic burglary' → 'domestic_burglary'."""
    return f"trim(lower(regexp_replace(trim({col(name)}), '[^A-Za-z0-9]+', '_', 'g')), '_')"


def force_value(force: str | None) -> str:
    """The force: the file's ``force`` column, else ``--force``; a row with neither is bad
    (see ``force_check``)."""
    fallback = lit(force) if force else "NULL"
    return f"coalesce({text('force')}, {fallback})"


# -- checks ------------------------------------------------------------------------------------


def required(name: str, what: str) -> RowCheck:
    """The column must not be blank."""
    return RowCheck(name, f"{text(name)} IS NULL", f"missing {what}")


def level_check(name: str) -> RowCheck:
    """The column must be one of the levels an area may be named at (``AREA_REF_LEVELS``:
    what ``--area LEVEL:NAME`` and a plan's measures look rows up by)."""
    from crimeplan.plan.model import AREA_REF_LEVELS

    levels = ", ".join(lit(level) for level in AREA_REF_LEVELS)
    return RowCheck(
        name,
        f"{text(name)} IS NOT NULL AND {text(name)} NOT IN ({levels})",
        f"not an area level; expected one of {', '.join(AREA_REF_LEVELS)}",
    )


def number_check(name: str, what: str = "a number", *, blank: bool = False) -> RowCheck:
    """The column must be a number (see ``is_number``), of a size crimeplan can hold, or
    (``blank``) be blank."""
    shape = f"coalesce({is_number(name)}, false)"
    check = _shape_and_size(name, shape, f"not {what}", number_fits(name), _TOO_LARGE_NUMBER)
    if blank:
        return dataclasses.replace(check, bad_when=f"{text(name)} IS NOT NULL AND {check.bad_when}")
    return check


def count_check(
    name: str, what: str = "a whole number of 0 or more", *, signed: bool = False
) -> RowCheck:
    """The column must be a whole number (see ``is_count``: of 0 or more unless ``signed``)
    that fits in 64 bits."""
    shape = f"coalesce({is_count(name, signed=signed)}, false)"
    return _shape_and_size(name, shape, f"not {what}", f"{count(name)} IS NOT NULL", _TOO_LARGE)


#: The largest size of a number (not a count) an importer accepts.
LARGEST_NUMBER = 1e15
_TOO_LARGE = "too large: a count is at most 9,223,372,036,854,775,807 (64 bits)"
_TOO_LARGE_NUMBER = f"too large: a number is less than {LARGEST_NUMBER:,.0f} in size"


def _shape_and_size(name: str, shape: str, reason: str, fits: str, too_large: str) -> RowCheck:
    """A check that the column has the right ``shape`` (else ``reason``) and ``fits``
    (else ``too_large``)."""
    return RowCheck(
        name,
        f"NOT ({shape} AND {fits})",
        reason,
        reason_sql=f"CASE WHEN {shape} THEN {lit(too_large)} ELSE {lit(reason)} END",
    )


def date_check(name: str) -> RowCheck:
    """The column must be a date or a month (see ``day``)."""
    return RowCheck(
        name, f"{day(name)} IS NULL", "not a date; expected YYYY-MM-DD or YYYY-MM, e.g. 2013-04-30"
    )


def month_check(name: str) -> RowCheck:
    """The column must be a month (or a date in it)."""
    return RowCheck(
        name, f"{day(name)} IS NULL", "not a month; expected YYYY-MM (or YYYY-MM-DD), e.g. 2013-04"
    )


def force_check(force: str | None) -> list[RowCheck]:
    """Without ``--force``, every row must name its force."""
    if force:
        return []
    return [
        RowCheck(
            "force",
            f"{text('force')} IS NULL",
            "missing force (fill the force column, or pass --force NAME)",
        )
    ]
