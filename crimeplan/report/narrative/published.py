"""The sentences of a published table (proven reoffending), and the months without
figures."""

from __future__ import annotations

from crimeplan.report.narrative.figures import Part, Sentence, make_sentence
from crimeplan.report.narrative.measure import MeasureView, join_parts


# -- published tables ------------------------------------------------------------------------------
def published_sentences(m: MeasureView) -> list[Sentence | None]:
    table = m.d.get("table") or []
    if not table:
        return []
    index = next((i for i, r in enumerate(table) if str(r.get("level")).lower() == "region"), 0)
    row = table[index]
    parts: list[Part] = [
        m.title(),
        ": in ",
        m.fig("text", "table", index, "area"),
        " (",
        m.fig("lower", "table", index, "level"),
        ") ",
        m.fig("pct2", "table", index, "actual_rate"),
        " of a cohort of ",
        m.fig("count", "table", index, "cohort"),
        " reoffended, against a predicted rate of ",
        m.fig("pct2", "table", index, "predicted_rate"),
    ]
    if row.get("baseline_change_pct") is not None:
        parts += [
            ": a difference of ",
            m.fig("pct2", "table", index, "baseline_change_pct"),
            " from the baseline",
        ]
    out: list[Sentence | None] = [make_sentence(*parts, ".")]
    local = [
        i
        for i, r in enumerate(table)
        if str(r.get("level")).lower() == "local authority"
        and r.get("baseline_change_pct") is not None
    ]
    if local:
        best = min(local, key=lambda i: (table[i]["baseline_change_pct"], i))
        if table[best]["baseline_change_pct"] < 0:
            out.append(
                make_sentence(
                    "The largest reduction among the local authorities is in ",
                    m.fig("text", "table", best, "area"),
                    " (",
                    m.fig("pct2", "table", best, "baseline_change_pct"),
                    ").",
                )
            )
        above = [i for i in local if table[i]["baseline_change_pct"] > 0]
        if not above:
            out.append(make_sentence("Every local authority is below its predicted rate."))
        else:
            names: list[list[Part]] = [
                [
                    m.fig("text", "table", i, "area"),
                    " (",
                    m.fig("pct2", "table", i, "baseline_change_pct"),
                    ")",
                ]
                for i in above
            ]
            verb = (
                " is above its predicted rate."
                if len(above) == 1
                else (" are above their predicted rates.")
            )
            out.append(make_sentence(*join_parts(names), verb))
    comparison = m.d["comparison"]
    if comparison.get("period"):
        baseline: Part = (
            m.fig("text", "comparison", "baseline_label")
            if comparison.get("baseline_label")
            else "as published"
        )
        out.append(
            make_sentence(
                "The figures compare the actual against predicted rate, ",
                m.fig("text", "comparison", "period"),
                " (",
                m.fig("text", "comparison", "publication"),
                "; baseline ",
                baseline,
                ").",
            )
        )
    return out


def missing_months_sentence(m: MeasureView) -> Sentence | None:
    missing = m.d.get("months_missing") or []
    if not missing:
        return None
    months: list[list[Part]] = [[m.fig("month", "months_missing", i)] for i in range(len(missing))]
    return make_sentence("There are no figures for ", *join_parts(months), ".")
