"""``docs/results.schema.json``: the JSON Schema of ``results.json``, generated from the types.

``python -m crimeplan.results.schema`` rewrites it (``--check`` says whether it is current,
as the tests do); never edit the file by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crimeplan.codec import json_schema
from crimeplan.results.measure import SCHEMA_VERSION, MeasuresResult
from crimeplan.results.pack import PackResults

SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "results.schema.json"


def results_schema() -> dict[str, Any]:
    """The schema of ``results.json`` (``PackResults``); the measures JSON
    (``MeasuresResult``) is the same object without the pack's keys."""
    schema = json_schema(PackResults)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://crimeplan.example/results.schema.v{SCHEMA_VERSION}.json",
        "description": (
            "results.json, as crimeplan writes it (generated from crimeplan.results; "
            "do not edit). The measures JSON of `crimeplan measures --format json` is "
            "MeasuresResult, under $defs."
        ),
        **schema,
        "$defs": {**schema["$defs"], "MeasuresResult": _measures_only()},
    }


def _measures_only() -> dict[str, Any]:
    schema = json_schema(MeasuresResult)
    schema.pop("$defs", None)
    return schema


def schema_text() -> str:
    return json.dumps(results_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = schema_text()
    if "--check" in argv:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run python -m crimeplan.results.schema")
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"Wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
