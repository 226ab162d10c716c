"""A force's own crime extract (CSV or Excel .xlsx), read through a column-mapping YAML file.

The mapping says which column of the extract gives each field of the store's ``crimes``
table (docs/data-formats.md has the whole layout)::

    force: West Midlands Police
    reference: CRIME_NO
    recorded: {column: RECORDED, format: "%d/%m/%Y %H:%M"}
    offence_code: HO_CODE
    offences:                       # optional lookup: code → offence, group, category
      "28": {offence: Burglary in a dwelling, group: Burglary dwelling, category: Burglary}
    area: {small_area: LSOA}
    flags: {domestic: {column: DA, true_values: ["Y", "Yes", "1"]}}
    outcome: {column: OUTCOME, solved: ["Charged", "Caution"]}
    victim_id: {column: VICTIM_ID}  # stored only as sha256(salt + id)

``load_mapping`` validates the file (unknown keys with "did you mean", wrong types, with the
mapping file's line); ``import_extract`` checks the columns it names are in the extract's
header, stages the rows in DuckDB and imports them. A newer extract replaces the earlier
records of the same force and months.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from crimeplan.data.ingest import (
    RowCheck,
    csv_encoding,
    display_name,
    drop_staged,
    inspect_text_file,
)
from crimeplan.data.sources.crimes import TARGET
from crimeplan.data.sources.flow import TableLoad, already_imported, load_staged, stage_file
from crimeplan.data.sources.pseudonyms import store_salt
from crimeplan.data.sources.sql import col, lit, required, text
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import InputFileError, Problem, problem_list
from crimeplan.plan import safe_yaml
from crimeplan.plan.safe_yaml import read_yaml_file

WHAT = "crime extract"

# -- the mapping file ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


#: The date and time codes a mapping's formats may use: those DuckDB's ``strptime`` reads
#: that mean the same to Python's ``strftime`` (which writes an Excel extract's dates as
#: text in the same format), so not the locale's ``%c %x %X``, the time zone's ``%z %Z``,
#: or DuckDB's ``%g`` (milliseconds) and ``%n`` (nanoseconds). tests/data/test_extract.py
#: checks DuckDB reads each of them.
FORMAT_CODES = (
    "%Y",
    "%y",
    "%-y",
    "%m",
    "%-m",
    "%B",
    "%b",
    "%h",
    "%d",
    "%-d",
    "%j",
    "%-j",
    "%a",
    "%A",
    "%w",
    "%u",
    "%U",
    "%W",
    "%G",
    "%V",
    "%H",
    "%-H",
    "%I",
    "%-I",
    "%p",
    "%M",
    "%-M",
    "%S",
    "%-S",
    "%f",
    "%T",
    "%%",
)
_LONGEST_FORMAT = 100


def format_problem(fmt: str) -> str | None:
    """What is wrong with a strptime format for DuckDB, or None: an unknown code (``%Q``),
    a ``%`` at the end, or a format that is far too long."""
    if len(fmt) > _LONGEST_FORMAT:
        return f"a date format of at most {_LONGEST_FORMAT} characters, found {len(fmt):,}"
    at = 0
    while (at := fmt.find("%", at)) >= 0:
        code = fmt[at : at + 3] if fmt[at + 1 : at + 2] == "-" else fmt[at : at + 2]
        if code not in FORMAT_CODES:
            what = f"unknown date code '{code}'" if len(code) > 1 else "a '%' with no code after it"
            return (
                f"{what} in format '{fmt}'; the codes are {' '.join(FORMAT_CODES)} "
                '(e.g. "%d/%m/%Y %H:%M")'
            )
        at += len(code)
    return None


def _checked_format(fmt: str | None) -> str | None:
    problem = None if fmt is None else format_problem(fmt)
    if problem:
        raise ValueError(problem)
    return fmt


_FORMAT_FIELDS = ("format", "date_format", "time_format")


class Recorded(_Strict):
    """When the crime was recorded: one date-time column, or a date column and a time column."""

    column: str | None = None
    format: str | None = None
    date_column: str | None = None
    date_format: str | None = None
    time_column: str | None = None
    time_format: str | None = None

    _formats = field_validator(*_FORMAT_FIELDS)(_checked_format)

    @model_validator(mode="after")
    def _one_shape(self) -> Recorded:
        whole = self.column is not None or self.format is not None
        split = any(
            v is not None
            for v in (self.date_column, self.date_format, self.time_column, self.time_format)
        )
        if whole and split:
            raise ValueError(
                "give either column and format, or date_column, date_format, time_column and "
                "time_format, not both"
            )
        if whole and (self.column is None or self.format is None):
            raise ValueError(
                'give both column and format, e.g. {column: RECORDED, format: "%d/%m/%Y %H:%M"}'
            )
        if split and None in (
            self.date_column,
            self.date_format,
            self.time_column,
            self.time_format,
        ):
            raise ValueError("give date_column, date_format, time_column and time_format")
        if not whole and not split:
            raise ValueError(
                "give column and format (or date_column, date_format, time_column and time_format)"
            )
        return self


class DateColumn(_Strict):
    column: str
    format: str

    _format = field_validator("format")(_checked_format)


class Flag(_Strict):
    """A yes/no column; a value in ``true_values`` (any case) is true, anything else false."""

    column: str
    true_values: list[str] = ["Y", "Yes", "1", "True"]


class Flags(_Strict):
    domestic: Flag | None = None
    knife: Flag | None = None
    gun: Flag | None = None
    business: Flag | None = None


class HateStrand(_Strict):
    """The hate strand column; ``values`` maps the extract's codes to strand names."""

    column: str
    values: dict[str, str] = {}


class Outcome(_Strict):
    column: str
    solved: list[str] = []
    date: DateColumn | None = None


class OffenceEntry(_Strict):
    """One line of the offence lookup: a Home Office offence code's offence, group, category."""

    category: str
    group: str | None = None
    offence: str | None = None


class Area(_Strict):
    small_area: str | None = None
    small_area_name: str | None = None
    location: str | None = None
    neighbourhood: str | None = None
    lpu: str | None = None


class VictimId(_Strict):
    column: str
    salt: str | None = None


class CrimeMapping(_Strict):
    """The whole mapping file."""

    force: str | None = None
    force_column: str | None = None
    sheet: str | None = None
    reference: str
    recorded: Recorded
    offence_code: str | None = None
    offence: str | None = None
    offence_group: str | None = None
    category: str | None = None
    offences: dict[str, OffenceEntry] | None = None
    area: Area | None = None
    flags: Flags | None = None
    hate_strand: HateStrand | None = None
    outcome: Outcome | None = None
    victim_id: VictimId | None = None

    @model_validator(mode="after")
    def _category_source(self) -> CrimeMapping:
        if self.category is None and not self.offences:
            raise ValueError(
                "no way to find each crime's police.uk category: give category (a column) or "
                "offences (a lookup from offence code) with offence_code"
            )
        if self.offences and self.offence_code is None:
            raise ValueError("offences (the lookup) needs offence_code (the column it looks up)")
        return self


#: Every model of the mapping file, for the docs test.
MAPPING_MODELS: tuple[type[BaseModel], ...] = (
    CrimeMapping,
    Recorded,
    DateColumn,
    Flag,
    Flags,
    HateStrand,
    Outcome,
    OffenceEntry,
    Area,
    VictimId,
)


@dataclass(frozen=True)
class Mapping:
    """A checked mapping file: the spec, its path, and its YAML nodes (for line numbers)."""

    spec: CrimeMapping
    path: Path
    node: Any

    def line(self, loc: Sequence[str | int]) -> int | None:
        return _line(self.node, loc)

    def columns(self) -> list[tuple[tuple[str, ...], str]]:
        """Every (key path, extract column) the mapping names."""
        spec = self.spec
        named: list[tuple[tuple[str, ...], str | None]] = [
            (("reference",), spec.reference),
            (("force_column",), spec.force_column),
            (("recorded", "column"), spec.recorded.column),
            (("recorded", "date_column"), spec.recorded.date_column),
            (("recorded", "time_column"), spec.recorded.time_column),
            (("offence_code",), spec.offence_code),
            (("offence",), spec.offence),
            (("offence_group",), spec.offence_group),
            (("category",), spec.category),
        ]
        if spec.area:
            for key in Area.model_fields:
                named.append((("area", key), getattr(spec.area, key)))
        if spec.flags:
            for key in Flags.model_fields:
                flag = getattr(spec.flags, key)
                named.append((("flags", key, "column"), flag.column if flag else None))
        if spec.hate_strand:
            named.append((("hate_strand", "column"), spec.hate_strand.column))
        if spec.outcome:
            named.append((("outcome", "column"), spec.outcome.column))
            if spec.outcome.date:
                named.append((("outcome", "date", "column"), spec.outcome.date.column))
        if spec.victim_id:
            named.append((("victim_id", "column"), spec.victim_id.column))
        return [(loc, column) for loc, column in named if column is not None]

    def date_formats(self) -> dict[str, str]:
        """Extract column → its strptime format (to write Excel dates the same way)."""
        rec = self.spec.recorded
        formats = {}
        if rec.column and rec.format:
            formats[rec.column] = rec.format
        if rec.date_column and rec.date_format:
            formats[rec.date_column] = rec.date_format
        if rec.time_column and rec.time_format:
            formats[rec.time_column] = rec.time_format
        if self.spec.outcome and self.spec.outcome.date:
            formats[self.spec.outcome.date.column] = self.spec.outcome.date.format
        return formats


def mapping_error(path: Path, problems: list[Problem]) -> InputFileError:
    return InputFileError(problem_list(display_name(path), problems))


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem is reported with its line."""
    name = display_name(path)
    if not path.is_file():
        raise InputFileError(f"{name}: no such file; expected a crime extract mapping (YAML)")
    try:
        source = read_yaml_file(path, "mapping", InputFileError).decode("utf-8-sig")
        node, data = safe_yaml.load(source, name, InputFileError)
    except UnicodeDecodeError as error:
        raise InputFileError(f"{name}: is not UTF-8 text; expected a mapping (YAML)") from error
    except OSError as error:
        raise InputFileError(f"{name}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise mapping_error(path, [Problem(name, line, "YAML", str(problem))]) from error
    if not isinstance(data, dict):
        raise mapping_error(
            path,
            [
                Problem(
                    name,
                    1,
                    "mapping",
                    "expected keys such as reference: and recorded:, "
                    f"found {type(data).__name__ if data is not None else 'an empty file'}",
                )
            ],
        )
    try:
        spec = CrimeMapping.model_validate(data)
    except ValidationError as error:
        errors = error.errors()[:_WORDED_ERRORS]  # each is looked up in the file: not 50,000
        misspelt = {
            (tuple(e["loc"][:-1]), close)
            for e in errors
            if e["type"] == "extra_forbidden"
            for close in difflib.get_close_matches(
                str(e["loc"][-1]), list(_model_at(e["loc"][:-1]).model_fields), n=1
            )
        }
        kept = [  # "missing 'column'" says nothing more than "unknown 'colum' (did you mean …)"
            e
            for e in errors
            if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in misspelt)
        ]
        problems = sorted(
            (_problem(name, node, e) for e in kept), key=lambda p: (p.line or 0, p.field)
        )
        unlisted = error.error_count() - len(errors)
        raise InputFileError(
            problem_list(display_name(path), problems, unlisted=unlisted)
        ) from error
    return Mapping(spec=spec, path=path, node=node)


#: The most of a mapping's errors worded as problems (the message counts the rest).
_WORDED_ERRORS = 100


def _problem(name: str, node: Any, error: Any) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = list(_model_at(loc[:-1]).model_fields)
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
        return Problem(
            name, _line(node, loc), _dotted(loc[:-1]) or "mapping", f"unknown key '{key}'", hint
        )
    if kind == "missing":
        return Problem(
            name, _line(node, loc[:-1]), _dotted(loc[:-1]) or "mapping", f"missing key '{loc[-1]}'"
        )
    from crimeplan.plan.load import EXPECTED_BY_ERROR, describe_value  # the plan file's wording

    if kind in EXPECTED_BY_ERROR:
        message = f"expected {EXPECTED_BY_ERROR[kind]}; got {describe_value(error.get('input'))}"
        return Problem(name, _line(node, loc), _dotted(loc) or "mapping", message)
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind != "value_error" and not isinstance(error.get("input"), dict | list):
        message += f", found {error.get('input')!r}"
    return Problem(name, _line(node, loc), _dotted(loc) or "mapping", message)


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _model_at(loc: Sequence[Any]) -> type[BaseModel]:
    """The model of the mapping at a key path (dict keys such as offence codes skipped)."""
    model: type[BaseModel] = CrimeMapping
    skip = False
    for part in loc:
        if skip:
            skip = False
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            break
        inner, is_dict = _inner(info.annotation)
        if inner is None:
            break
        model, skip = inner, is_dict
    return model


def _inner(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    is_dict = getattr(annotation, "__origin__", None) is dict
    for arg in get_args(annotation):
        found, nested = _inner(arg)
        if found is not None:
            return found, is_dict or nested
    return None, False


def _line(node: Any, loc: Sequence[Any]) -> int | None:
    """The line of the YAML node at a key path (the deepest one that exists)."""
    if node is None:
        return None
    line = int(node.start_mark.line) + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    line, node = int(key.start_mark.line) + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = int(node.start_mark.line) + 1
        else:
            return line
    return line


# -- reading the extract --------------------------------------------------------------------------


def _example(fmt: str) -> str:
    return datetime(2013, 4, 30, 21, 15).strftime(fmt)


def extract_header(path: Path, mapping: Mapping) -> list[str]:
    """The extract's column names; a one-line error if it is not a CSV or .xlsx extract."""
    if _is_excel(path):
        return list(_xlsx_rows(path, mapping, header_only=True).header)
    return inspect_text_file(path, what=f"{WHAT} (CSV)")


def _is_excel(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputFileError(
            f"{display_name(path)}: is an old-style Excel .xls file; save it as .xlsx or CSV"
        )
    return suffix in (".xlsx", ".xlsm")


@dataclass(frozen=True)
class _Sheet:
    header: list[str]
    rows: Iterator[tuple[Any, ...]]


#: A workbook's part may expand this many times over its compressed size: real sheets
#: compress 5 to 20 times; a "zip bomb" compresses a thousand times or more.
MOST_EXPANSION = 100
#: Parts smaller than this expanded are not held to MOST_EXPANSION (tiny parts compress well).
EXPANSION_FROM = 16 * 1024 * 1024


def check_expansion(name: str, members: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose parts expand far beyond what a real one does (a "zip bomb",
    which would take minutes and gigabytes to read before any row could be checked)."""
    for member in members:
        if member.file_size < EXPANSION_FROM:
            continue
        times = member.file_size / max(member.compress_size, 1)
        if times > MOST_EXPANSION:
            raise InputFileError(
                f"{name}: its part {member.filename} expands from "
                f"{member.compress_size:,} bytes to {member.file_size:,} ({times:,.0f} times), "
                "far beyond a real workbook; if the sheet is real, save it as CSV and import that"
            )


def _xlsx_rows(path: Path, mapping: Mapping, *, header_only: bool = False) -> _Sheet:
    import openpyxl

    name = display_name(path)
    expected = f"expected a {WHAT} saved as an Excel workbook (.xlsx)"
    if not path.exists():
        raise InputFileError(f"{name}: no such file")
    if path.is_dir():
        raise InputFileError(f"{name}: is a folder; {expected}")
    if path.stat().st_size == 0:
        raise InputFileError(f"{name}: the file is empty; {expected}")
    try:
        with zipfile.ZipFile(path) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
            members = archive.infolist()
    except zipfile.BadZipFile:
        is_workbook = False
    if not is_workbook:
        raise InputFileError(f"{name}: is not an Excel workbook; {expected}")
    check_expansion(name, members)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise InputFileError(
            f"{name}: cannot be read as a workbook ({error}); {expected}"
        ) from error
    sheet_name = mapping.spec.sheet
    if sheet_name is not None and sheet_name not in book.sheetnames:
        sheets = ", ".join(book.sheetnames)
        book.close()
        raise InputFileError(f"{name}: has no sheet '{sheet_name}'; sheets: {sheets}")
    sheet = book[sheet_name] if sheet_name is not None else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    cells = list(first) if first else []
    while cells and cells[-1] in (None, ""):
        cells.pop()
    if not cells:
        book.close()
        raise InputFileError(
            f"{name}: sheet '{sheet.title}' is empty; expected a header row in row 1 of a {WHAT}"
        )
    header = ["" if c is None else str(c).strip() for c in cells]
    if "" in header:
        book.close()
        raise InputFileError(
            f"{name}:1: column {header.index('') + 1} of the header is blank; "
            f"expected a name for every column of a {WHAT}"
        )
    if header_only:
        book.close()
        return _Sheet(header, iter(()))

    def body() -> Iterator[tuple[Any, ...]]:
        try:
            yield from rows
        finally:
            book.close()

    return _Sheet(header, body())


def _cell(value: Any, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time):
        if fmt:
            return value.strftime(fmt)
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


SHEET_ROW = "__sheet_row"


def _xlsx_to_csv(path: Path, mapping: Mapping, target: Path) -> list[str]:
    """Stream the sheet into a CSV file with each row's sheet row number in ``SHEET_ROW``.

    Blank rows are left out; cells right of the header's last column are ignored.
    """
    sheet = _xlsx_rows(path, mapping)
    formats = mapping.date_formats()
    per_column = [formats.get(name) for name in sheet.header]
    width = len(sheet.header)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*sheet.header, SHEET_ROW])
        for number, row in enumerate(sheet.rows, start=2):
            values = list(row[:width]) + [None] * (width - len(row))
            if all(v in (None, "") for v in values):
                continue
            writer.writerow([*(_cell(v, per_column[i]) for i, v in enumerate(values)), number])
    return sheet.header


# -- the import ---------------------------------------------------------------------------


def check_columns(mapping: Mapping, header: Sequence[str], extract: Path) -> None:
    """Every column the mapping names must be in the extract's header."""
    name = display_name(mapping.path)
    problems = []
    for loc, column in mapping.columns():
        if column in header:
            continue
        close = difflib.get_close_matches(column, list(header), n=1)
        problems.append(
            Problem(
                name,
                mapping.line(loc),
                _dotted(loc),
                f"column '{column}' is not in {display_name(extract)}'s header; columns: "
                + ", ".join(header),
                f"did you mean '{close[0]}'?" if close else None,
            )
        )
    if problems:
        raise mapping_error(mapping.path, problems)


def _date_time(column: str, fmt: str) -> str:
    return f"try_strptime(trim({col(column)}), {lit(fmt)})"


def _in(expr: str, values: Sequence[str]) -> str:
    listed = ", ".join(lit(v.strip().lower()) for v in values) or "NULL"
    return f"coalesce(lower({expr}) IN ({listed}), false)"


def crime_load(mapping: Mapping, *, force: str | None, salt: str, lookup: str | None) -> TableLoad:
    """How the staged extract becomes rows of ``crimes``."""
    spec = mapping.spec
    rec = spec.recorded
    checks: list[RowCheck] = [required(spec.reference, "crime reference")]
    if rec.column and rec.format:
        recorded = _date_time(rec.column, rec.format)
        checks.append(
            RowCheck(
                rec.column,
                f"{recorded} IS NULL",
                f"not a date-time in the format {rec.format} (e.g. {_example(rec.format)})",
            )
        )
    else:
        assert rec.date_column and rec.date_format and rec.time_column and rec.time_format
        recorded = (
            f"try_strptime(trim({col(rec.date_column)}) || ' ' || trim({col(rec.time_column)}),"
            f" {lit(rec.date_format + ' ' + rec.time_format)})"
        )
        for column, fmt in ((rec.date_column, rec.date_format), (rec.time_column, rec.time_format)):
            checks.append(
                RowCheck(
                    column,
                    f"{_date_time(column, fmt)} IS NULL",
                    f"not in the format {fmt} (e.g. {_example(fmt)})",
                )
            )

    def looked_up(field: str) -> str:
        if not lookup or not spec.offence_code:
            return "NULL"
        return f"(SELECT l.{field} FROM {lookup} l WHERE l.code = upper({text(spec.offence_code)}))"

    def column_or(column: str | None, fallback: str) -> str:
        return f"coalesce({text(column)}, {fallback})" if column else fallback

    category = column_or(spec.category, looked_up("category"))
    if lookup and spec.offence_code:
        code = text(spec.offence_code)
        checks.append(
            RowCheck(
                spec.offence_code,
                f"{code} IS NOT NULL AND upper({code}) NOT IN (SELECT code FROM {lookup})",
                "not a Home Office offence code in the mapping's offences lookup",
            )
        )
    category_column = spec.category or spec.offence_code or spec.reference
    unknown_code = "false"
    if lookup and spec.offence_code:
        code = text(spec.offence_code)
        unknown_code = f"({code} IS NOT NULL AND upper({code}) NOT IN (SELECT code FROM {lookup}))"
    checks.append(
        RowCheck(
            category_column,
            f"{category} IS NULL AND NOT {unknown_code}",
            "no police.uk category for this crime (blank category or offence code)",
        )
    )

    force_expr = lit(force) if force else "NULL"
    if not force:
        force_expr = column_or(spec.force_column, lit(spec.force) if spec.force else "NULL")
        checks.append(
            RowCheck(
                spec.force_column or spec.reference,
                f"{force_expr} IS NULL",
                "no force for this crime (set force: in the mapping, or pass --force NAME)",
            )
        )

    area = spec.area or Area()
    places = [text(name) for name in (area.location, area.neighbourhood, area.lpu) if name]
    location = f"coalesce({', '.join(places)})" if places else "NULL"

    def flag(value: Flag | None) -> str:
        return _in(text(value.column), value.true_values) if value else "NULL"

    flags = spec.flags or Flags()
    hate = "NULL"
    if spec.hate_strand:
        strand = text(spec.hate_strand.column)
        cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in spec.hate_strand.values.items())
        hate = f"CASE {strand} {cases} ELSE {strand} END" if cases else strand

    outcome = outcome_date = solved = "NULL"
    if spec.outcome:
        outcome = text(spec.outcome.column)
        solved = (
            f"CASE WHEN {outcome} IS NULL THEN false ELSE {_in(outcome, spec.outcome.solved)} END"
        )
        if spec.outcome.date:
            when = spec.outcome.date
            outcome_date = f"CAST({_date_time(when.column, when.format)} AS DATE)"
            checks.append(
                RowCheck(
                    when.column,
                    f"{text(when.column)} IS NOT NULL AND {outcome_date} IS NULL",
                    f"not a date in the format {when.format} (e.g. {_example(when.format)})",
                )
            )

    victim = "NULL"
    if spec.victim_id:
        victim = f"sha256({lit(spec.victim_id.salt or salt)} || {text(spec.victim_id.column)})"

    return TableLoad(
        target=TARGET,
        values={
            "crime_ref": text(spec.reference),
            "force": force_expr,
            "month": f"CAST(date_trunc('month', {recorded}) AS DATE)",
            "recorded_at": recorded,
            "category": category,
            "offence_group": column_or(spec.offence_group, looked_up("grp")),
            "offence": column_or(spec.offence, looked_up("offence")),
            "offence_code": text(spec.offence_code) if spec.offence_code else "NULL",
            "small_area": text(area.small_area) if area.small_area else "NULL",
            "small_area_name": text(area.small_area_name) if area.small_area_name else "NULL",
            "location": location,
            "longitude": "NULL",
            "latitude": "NULL",
            "domestic": flag(flags.domestic),
            "hate_strand": hate,
            "knife": flag(flags.knife),
            "gun": flag(flags.gun),
            "business": flag(flags.business),
            "outcome": outcome,
            "outcome_date": outcome_date,
            "solved": solved,
            "victim_id": victim,
            "reported_by": force_expr,
            "context": "NULL",
        },
        checks=checks,
        force=force or (spec.force if not spec.force_column else None),
        note=f"crime extract through mapping {mapping.path.name}",
    )


def _stage_lookup(store: Store, mapping: Mapping) -> str | None:
    offences = mapping.spec.offences
    if not offences:
        return None
    table = f"offence_lookup_{id(mapping)}"
    store.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} "
        "(code VARCHAR, offence VARCHAR, grp VARCHAR, category VARCHAR)"
    )
    store.con.executemany(
        f"INSERT INTO {table} VALUES (?, ?, ?, ?)",
        [[code.strip().upper(), e.offence, e.group, e.category] for code, e in offences.items()],
    )
    return table


def import_extract(
    store: Store,
    path: Path,
    mapping: Mapping,
    *,
    force: str | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import a force's crime extract (CSV or .xlsx) through ``mapping``."""
    header = extract_header(path, mapping)
    check_columns(mapping, header, path)
    sha256 = file_sha256(path)
    done = already_imported(store, TARGET.source, path, sha256)
    if done:
        return done
    lookup = _stage_lookup(store, mapping)
    try:
        with tempfile.TemporaryDirectory(prefix="crimeplan-") as folder:
            if _is_excel(path):
                readable = Path(folder) / "extract.csv"
                header = _xlsx_to_csv(path, mapping, readable)
                with csv_encoding("utf-8"):  # the CSV made from the sheet, whatever --encoding
                    staged = stage_file(
                        store,
                        readable,
                        [*header, SHEET_ROW],
                        what=WHAT,
                        sha256=sha256,
                        source_path=path,
                    )
                store.con.execute(  # line numbers are the sheet's row numbers
                    f"UPDATE {staged.table} SET source_line = CAST({col(SHEET_ROW)} AS BIGINT)"
                )
                staged = dataclasses.replace(staged, columns=header)
            else:
                staged = stage_file(store, path, header, what=WHAT, sha256=sha256)
            with store.transaction():  # a new salt is kept only with the rows it made
                load = crime_load(mapping, force=force, salt=store_salt(store), lookup=lookup)
                return load_staged(
                    store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path
                )
    finally:
        if lookup:
            drop_staged(store, lookup)
