"""``kind: published``: a figure someone else publishes (the Ministry of Justice's proven
reoffending table), shown as published: the latest import's table, its top row (or a local
authority's own row) as the figure, actual against predicted rate."""

from __future__ import annotations

from dataclasses import replace

import ibis

from crimeplan.measures.kinds.base import Evaluation, Kind, empty_result, make_result
from crimeplan.plan.model import PublishedMeasure
from crimeplan.results.measure import Comparison, MeasureResult, PublishedRow
from crimeplan.results.notes import NoPublishedTable, NotPublishedForArea, PublishedCohort


class Published(Kind[PublishedMeasure]):
    name = "published"
    model = PublishedMeasure
    narrative = ("published", "outlook", "chart", "run", "peers", "missing")

    def evaluate(self, measure: PublishedMeasure, ev: Evaluation) -> MeasureResult:
        area = ev.area
        table = ev.engine.table("reoffending")
        imports = ev.engine.table("imports")
        current = imports.filter(imports.superseded_by.isnull())
        rows = (
            table.filter(table.import_id.isin(current.import_id))
            .order_by([ibis.desc("import_id"), "row_order"])
            .to_pyarrow()
            .to_pylist()
        )
        if not rows:
            note = NoPublishedTable(table="reoffending")
            return empty_result(measure, ev.period, note)
        latest_import = rows[0]["import_id"]
        rows = [r for r in rows if r["import_id"] == latest_import]
        published = tuple(
            PublishedRow(
                level=r["level"],
                area=r["area"],
                cohort=int(r["cohort"]),
                actual_rate=r["actual_rate"],
                predicted_rate=r["predicted_rate"],
                baseline_change_pct=r["baseline_change_pct"],
                baseline_label=r["baseline_label"],
            )
            for r in rows
        )
        top = rows[0]
        if area is not None and area.level != "force":
            # the table is published by region, probation trust and local authority: a local
            # authority's own row when asked for one, nothing for any other kind of area
            own = [r for r in rows if str(r["area"]).lower() == area.name.lower()]
            if area.level != "local_authority" or not own:
                unpublished = NotPublishedForArea(
                    area=str(area), levels=("region", "probation trust", "local authority")
                )
                return empty_result(measure, ev.period, unpublished)
            top = own[0]
        comparison = Comparison(
            basis="published",
            period=str(top["period"]),
            publication=str(top["publication"]),
            baseline_label=top["baseline_label"],
        )
        result = make_result(
            measure,
            ev.period,
            top["actual_rate"],
            top["actual_rate"],
            top["predicted_rate"],
            [],
            (),
            [],
            comparison=comparison,
        )
        cohort = PublishedCohort(
            publication=str(top["publication"]), area=str(top["area"]), cohort=int(top["cohort"])
        )
        return replace(
            result,
            change_pct=float(top["baseline_change_pct"]),
            table=published,
            notes=(cohort,),
        )
