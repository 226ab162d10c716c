"""Speed of the statistics and the board pack on the built-in demo, beside a raw DuckDB
GROUP BY over the same store in the same process (the machine is shared: read the ratios).

    python benchmarks/bench_report.py [--store PATH] [--repeat 3]

Measures (best of ``--repeat``):

- statistics: SPC and facts for every measure of the built-in plan, from evaluated results
  (goal: under 0.5 s);
- the whole ``analyse`` (engine queries, SPC, tests, forecasts, peers, facts) and
  ``evaluate_pack`` (everything the pack shows);
- the pack: charts (SVG and PNG), HTML, DOCX (goal: HTML and DOCX under 5 s) and PDF (goal:
  under 15 s).

Without ``--store`` it generates the demo store in a temporary folder first.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

AS_AT = date(2013, 4, 1)


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from crimeplan.data.engine import Engine
    from crimeplan.data.store import Store
    from crimeplan.demo.generate import generate_demo
    from crimeplan.measures.analysis import analyse
    from crimeplan.measures.compute import evaluate
    from crimeplan.measures.kinds.statistics import series_facts
    from crimeplan.measures.pack import evaluate_pack
    from crimeplan.plan import builtin_plan_path, load_plan
    from crimeplan.report.build import write_pack
    from crimeplan.report.charts import render_svg, spc_chart, svg_to_png
    from crimeplan.report.docx import render_docx
    from crimeplan.report.html import render_html
    from crimeplan.report.pack import build_pack
    from crimeplan.report.pdf import render_pdf
    from crimeplan.stats.spc import xmr_chart

    folder = Path(tempfile.mkdtemp(prefix="crimeplan-bench-"))
    path = args.store or folder / "demo.duckdb"
    store = Store.open(path)
    if args.store is None:
        generate_demo(store)
    plan = load_plan(builtin_plan_path())
    engine = Engine.of_store(store)
    repeat = args.repeat
    rows: list[tuple[str, float, str]] = []

    baseline, _ = best(
        lambda: store.con.execute(
            "SELECT month, category, count(*) FROM crimes GROUP BY ALL"
        ).fetchall(),
        repeat,
    )
    rows.append(("raw DuckDB GROUP BY month, category (baseline)", baseline, ""))

    seconds, evaluated = best(lambda: evaluate(plan, engine, AS_AT), repeat)
    rows.append(("evaluate: every measure's series (engine)", seconds, "goal < 1 s"))

    def statistics() -> None:
        for m in evaluated.measures:
            if m.series:
                values = [p.value for p in m.series]
                xmr_chart(values, improvement_direction=m.improvement)
            series_facts(m)

    seconds, _ = best(statistics, repeat)
    rows.append(("SPC and series facts for every measure", seconds, "goal < 0.5 s"))
    seconds, _ = best(lambda: analyse(plan, engine, AS_AT), repeat)
    rows.append(("analyse: engine + every statistic", seconds, ""))
    seconds, results = best(lambda: evaluate_pack(plan, engine, AS_AT), repeat)
    rows.append(("evaluate_pack: analyse + milestones, repeats, by area", seconds, ""))

    charted = [m for m in results.measures if m.series]
    seconds, svgs = best(lambda: {m.id: render_svg(spc_chart(m)) for m in charted}, repeat)
    rows.append((f"{len(charted)} charts as SVG", seconds, ""))
    seconds, pngs = best(lambda: {k: svg_to_png(v) for k, v in svgs.items()}, repeat)
    rows.append((f"{len(charted)} charts SVG to PNG", seconds, ""))
    seconds, html = best(lambda: render_html(build_pack(results, svgs)), repeat)
    rows.append(("HTML (pack and template)", seconds, ""))
    seconds, _ = best(lambda: render_docx(build_pack(results), pngs), repeat)
    rows.append(("DOCX", seconds, ""))
    seconds, _ = best(lambda: render_pdf(html), repeat)
    rows.append(("PDF (WeasyPrint)", seconds, "goal < 15 s"))
    out = folder / "pack"
    seconds, _ = best(lambda: write_pack(results, out, ("html", "docx")), repeat)
    rows.append(("HTML and DOCX written, charts included", seconds, "goal < 5 s"))
    seconds, _ = best(lambda: write_pack(results, out, ("pdf",)), repeat)
    rows.append(("PDF written, charts included", seconds, "goal < 15 s"))

    print("| step | seconds | × baseline | goal |")
    print("|---|---:|---:|---|")
    for name, seconds, goal in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / baseline:,.0f} | {goal} |")
    engine.close()
    store.close()


if __name__ == "__main__":
    main()
