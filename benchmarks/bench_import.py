"""Speed and memory of ``crimeplan import policeuk`` and ``crimeplan measures`` against the
same work done by raw DuckDB SQL and by a pandas script, in one run, as ratios.

    python benchmarks/bench_import.py --rows 1000000 10000000 [--repeat N] [--skip-pandas-above N]

For each size it generates police.uk-format street CSVs (one file a month, the archive's
header, ASB rows with blank Crime ID), then runs each job in a fresh subprocess and records
its wall time (from the start of the job's script, Python imports included: "of which
start-up" is the part spent importing crimeplan), its CPU time (user + system, every
thread) and peak resident memory (ru_maxrss). ``--repeat N`` runs each job N times and
keeps the median run:

- crimeplan: ``crimeplan import policeuk DIR --store S`` then ``crimeplan measures`` with
  examples/policeuk-plan.yaml
- raw DuckDB: ``CREATE TABLE AS SELECT * FROM read_csv(glob)`` then one GROUP BY month, type
- pandas: ``read_csv`` of every file, ``concat``, ``groupby``

The machine is shared and noisy: read the ratios, not the seconds. Results are printed as a
Markdown table and written to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"

CATEGORIES = [
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]


def generate(rows: int, folder: Path, months: int = 60) -> None:
    """police.uk street CSVs with ``rows`` rows spread over ``months`` months (from 2018-04)."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "DONE").exists():
        return
    con = duckdb.connect()
    per_month = rows // months
    cats = "[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    for m in range(months):
        year, month = 2018 + (3 + m) // 12, (3 + m) % 12 + 1
        label = f"{year:04d}-{month:02d}"
        n = per_month + (rows - per_month * months if m == months - 1 else 0)
        sub = folder / label
        sub.mkdir(exist_ok=True)
        con.execute(f"""
            COPY (
              SELECT
                CASE WHEN c = 'Anti-social behaviour' THEN NULL
                     ELSE sha256('{label}-' || i::VARCHAR) END AS "Crime ID",
                '{label}' AS "Month",
                'Benchmark Police' AS "Reported by",
                'Benchmark Police' AS "Falls within",
                round(-1.2 + (hash(i) % 1000) / 10000.0, 6) AS "Longitude",
                round(52.6 + (hash(i + 1) % 1000) / 10000.0, 6) AS "Latitude",
                'On or near Street ' || (i % 500)::VARCHAR AS "Location",
                'E0102' || lpad((i % 1000)::VARCHAR, 4, '0') AS "LSOA code",
                'Area ' || (i % 1000)::VARCHAR AS "LSOA name",
                c AS "Crime type",
                CASE WHEN c = 'Anti-social behaviour' THEN NULL
                     ELSE 'Under investigation' END AS "Last outcome category",
                NULL AS "Context"
              FROM (SELECT range AS i, {cats}[1 + (hash(range) % 14)::INTEGER] AS c
                    FROM range({n}))
            ) TO '{sub / f"{label}-benchmark-street.csv"}' (HEADER, DELIMITER ',')
        """)
    (folder / "DONE").write_text("ok")


JOB = r"""
import json, resource, sys, time
kind, data, store = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if kind.startswith("crimeplan"):
    from crimeplan.cli import cli
started = time.perf_counter()
if kind == "crimeplan-import":
    cli.main(["import", "policeuk", data, "--store", store], standalone_mode=False)
elif kind == "crimeplan-measures":
    import io, contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["measures", "--store", store, "--plan", sys.argv[4], "--as-at", sys.argv[5],
                  "--format", "json"], standalone_mode=False)
elif kind == "duckdb-import":
    import duckdb
    con = duckdb.connect(store)
    con.execute(f"CREATE TABLE crimes AS SELECT * FROM read_csv('{data}/*/*.csv')")
elif kind == "duckdb-groupby":
    import duckdb
    con = duckdb.connect(store, read_only=True)
    con.execute('SELECT "Month", "Crime type", count(*) FROM crimes GROUP BY ALL').fetchall()
elif kind == "pandas":
    import glob
    import pandas as pd
    frames = [pd.read_csv(f) for f in sorted(glob.glob(f"{data}/*/*.csv"))]
    crimes = pd.concat(frames, ignore_index=True)
    crimes.groupby(["Month", "Crime type"]).size()
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "startup": started - start,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
"""


REPEAT = 1


def run(kind: str, *args: str) -> dict[str, float]:
    """Run a job ``REPEAT`` times (a fresh store each time for imports); the median run."""
    runs = []
    for _ in range(REPEAT):
        if kind.endswith("-import"):
            for path in Path(args[1]).parent.glob(Path(args[1]).name + "*"):
                path.unlink()
        result = subprocess.run(
            [sys.executable, "-c", JOB, kind, *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"{kind} failed:\n{result.stderr[-2000:]}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    return runs[len(runs) // 2]  # type: ignore[no-any-return]


def bench(rows: int, skip_pandas_above: int) -> list[dict[str, object]]:
    data = OUT / f"policeuk-{rows}"
    generate(rows, data)
    results: list[dict[str, object]] = []
    stores = OUT / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    for path in stores.glob(f"*-{rows}.duckdb*"):
        path.unlink()
    plan = ROOT / "benchmarks" / "benchmark-plan.yaml"
    crimeplan_store = str(stores / f"crimeplan-{rows}.duckdb")
    duck_store = str(stores / f"duckdb-{rows}.duckdb")
    results.append(
        {
            "job": "import",
            "tool": "crimeplan import policeuk",
            **run("crimeplan-import", str(data), crimeplan_store),
        }
    )
    results.append(
        {
            "job": "import",
            "tool": "raw DuckDB CREATE TABLE AS read_csv",
            **run("duckdb-import", str(data), duck_store),
        }
    )
    results.append(
        {
            "job": "measures",
            "tool": "crimeplan measures (whole plan)",
            **run("crimeplan-measures", str(data), crimeplan_store, str(plan), "2023-03"),
        }
    )
    results.append(
        {
            "job": "measures",
            "tool": "raw DuckDB one GROUP BY",
            **run("duckdb-groupby", str(data), duck_store),
        }
    )
    if rows <= skip_pandas_above:
        results.append(
            {
                "job": "import+groupby",
                "tool": "pandas read_csv, concat, groupby",
                **run("pandas", str(data), "-"),
            }
        )
    for r in results:
        r["rows"] = rows
    return results


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| rows | job | tool | seconds | of which start-up | CPU seconds | peak MB "
        "| × raw DuckDB (time) | × raw DuckDB (CPU) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    baseline = {(r["rows"], r["job"]): r for r in results if "raw DuckDB" in str(r["tool"])}
    for r in results:
        base = baseline.get((r["rows"], r["job"]))
        ratio = cpu_ratio = ""
        if base:
            ratio = f"{_f(r, 'seconds') / _f(base, 'seconds'):.2f}"
            cpu_ratio = f"{_f(r, 'cpu') / _f(base, 'cpu'):.2f}"
        lines.append(
            f"| {_f(r, 'rows'):,.0f} | {r['job']} | {r['tool']} | {_f(r, 'seconds'):.2f} | "
            f"{_f(r, 'startup'):.2f} | {_f(r, 'cpu'):.2f} | {_f(r, 'peak_mb'):,.0f} | "
            f"{ratio} | {cpu_ratio} |"
        )
    return "\n".join(lines)


def _f(result: dict[str, object], key: str) -> float:
    value = result.get(key, 0.0)
    return float(value) if isinstance(value, (int, float)) else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--skip-pandas-above", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per job; the median counts")
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, object]] = []
    started = time.strftime("%Y-%m-%d %H:%M")
    for rows in args.rows:
        results += bench(rows, args.skip_pandas_above)
        print(table(results), flush=True)
    text = f"Run {started}, {sys.platform}, Python {sys.version.split()[0]}\n\n{table(results)}\n"
    (OUT / "import-results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
