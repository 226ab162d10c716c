"""An experiment's result in words: its table in the pack, its sentence and its notes."""

from __future__ import annotations

from crimeplan.report.narrative.dates import month_label, month_span
from crimeplan.results.experiments import (
    ALPHA,
    AfterSoFar,
    BeforeScaled,
    ExperimentNote,
    ExperimentResult,
    NoDisplacementControl,
    NoInterval,
    NoRecords,
    PermutationSplits,
)


def so_far(result: ExperimentResult) -> str | None:
    """``"5 of 12 months so far"`` while the after period is still running."""
    if result.status == "in progress":
        return f"{result.months.after_so_far} of {result.months.after} months so far"
    return None


def estimate_label(result: ExperimentResult) -> str:
    if result.design == "randomised":
        what = "change in" if result.before else "average"
        return f"Difference between arms ({what} crimes per month per area)"
    return "Difference in differences (treatment less control change)"


def _n(value: float, sign: bool = True) -> str:
    """A count or a change: whole numbers without decimals, others to one decimal."""
    places = 0 if float(value).is_integer() else 1
    return f"{value:{'+' if sign else ''},.{places}f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _estimate_text(estimate: float, ci95: tuple[float, float] | None, p_value: float | None) -> str:
    text = _n(estimate)
    if ci95 is not None:
        text += f" (95% interval {ci95[0]:+,.1f} to {ci95[1]:+,.1f})"
    if p_value is not None:
        text += f", {_p(p_value)}"
    return text


def table_rows(result: ExperimentResult) -> list[tuple[str, str]]:
    """The experiment's table in the board pack, as (label, text) rows."""
    if result.design == "randomised":
        design = "Randomised: each area a unit"
        if result.units:
            n_t = sum(u.arm == "treatment" for u in result.units)
            design += f", {n_t} treatment and {len(result.units) - n_t} control areas"
    else:
        design = "Before and after, treatment against control areas"
    months = result.months
    rows = [
        ("Design", design),
        ("Counted", "every crime" if result.measure is None else f"measure '{result.measure}'"),
        (
            "Before period",
            f"{month_span(*result.before)} ({months.before} months)" if result.before else "none",
        ),
    ]
    after = f"{month_span(*result.after)} ({months.after} months)"
    note = so_far(result)
    if result.status == "not started":
        after += "; not started"
    elif note and result.evaluated_after:
        after += f"; evaluated on {month_span(*result.evaluated_after)}, {note}"
    rows.append(("After period", after))
    for arm in result.arms:
        label = f"{arm.role.replace('_', ' ').capitalize()} areas ({', '.join(arm.members)})"
        counts = f"{arm.after:,} after"
        if arm.before is not None:
            counts = f"{arm.before:,} before, {counts}"
        rows.append((label, counts))
    if result.estimate is not None:
        rows.append(
            (estimate_label(result), _estimate_text(result.estimate, result.ci95, result.p_value))
        )
    did = result.did
    if did is not None:
        label = "Change in the treatment areas' total less the control areas'"
        if did.displacement is not None:
            label += " (with the displacement areas' change)"
        wdd = did.wdd
        text = _estimate_text(wdd.estimate, wdd.ci95, wdd.p_value)
        if not rows or rows[-1][1] != text:  # the same test as the estimate's: said once
            rows.append((label, text))
    if result.status != "not started":
        chance = result.more_than_chance
        rows.append(
            (
                "More than chance?",
                "no test (no records)"
                if chance is None
                else ("yes" if chance else "no") + f" (p < {ALPHA} is taken as more than chance)",
            )
        )
    return rows


def _what(result: ExperimentResult) -> str:
    return "crime" if result.measure is None else f"'{result.measure}'"


def _chance(result: ExperimentResult, estimate: float, p: float) -> str:
    if p < ALPHA:
        direction = "fell more (or rose less)" if estimate < 0 else "rose more (or fell less)"
        return (
            f"more than chance would explain ({_p(p)}): {_what(result)} {direction} in the "
            "treatment areas"
        )
    return (
        f"within what chance would explain ({_p(p)}), so not evidence "
        f"{'yet ' if result.status == 'in progress' else ''}of an effect"
    )


def _after(result: ExperimentResult) -> str:
    note = so_far(result)
    return f"After {note}, " if note else ""


def sentence(result: ExperimentResult, as_at: str | None = None) -> str:
    """The experiment's result in one sentence (``as_at``: the last month of data)."""
    if result.status == "not started":
        last = f" ({month_label(as_at)})" if as_at else ""
        return (
            f"Not started: its after period begins in {month_label(result.after[0])}, after "
            f"the last month of data{last}."
        )
    if result.permutation is not None:
        return _randomised_sentence(result)
    did = result.did
    p_value = did.did.p_value if did is not None else None
    if did is None or p_value is None:
        return f"{_after(result)}no records in the experiment's areas: nothing to compare."
    estimate = did.did
    low, high = estimate.ci95
    months = result.months
    per = (
        f", the before counts scaled to {months.after_so_far} months"
        if months.before != months.after_so_far
        else ""
    )
    counts = did.counts
    text = (
        f"{_what(result).capitalize()} in the treatment areas changed by "
        f"{_n(did.treatment_change)} ({_n(counts.treatment_before, False)} to "
        f"{_n(counts.treatment_after, False)}) and in the control areas by "
        f"{_n(did.control_change)} ({_n(counts.control_before, False)} to "
        f"{_n(counts.control_after, False)}){per}: a difference in differences of "
        f"{_n(estimate.estimate)} (95% interval {low:+,.1f} to {high:+,.1f}), which is "
        f"{_chance(result, estimate.estimate, p_value)}."
    )
    if so_far(result):
        text = _after(result) + text[0].lower() + text[1:]
    return text


def _randomised_sentence(result: ExperimentResult) -> str:
    test = result.permutation
    assert test is not None
    if result.before:
        means = (
            f"crimes per month changed by {test.treated_mean:+,.1f} on average in the "
            f"{test.n_treated} treatment areas and by {test.control_mean:+,.1f} in the "
            f"{test.n_control} control areas"
        )
    else:
        means = (
            f"crimes per month averaged {test.treated_mean:,.1f} in the {test.n_treated} "
            f"treatment areas and {test.control_mean:,.1f} in the {test.n_control} control areas"
        )
    if result.measure is not None:
        means = means.replace("crimes per month", f"'{result.measure}' records per month", 1)
    ci = (
        f" (95% interval {result.ci95[0]:+,.1f} to {result.ci95[1]:+,.1f})"
        if result.ci95 is not None
        else ""
    )
    text = (
        f"{means}: a difference of {test.difference:+,.1f} per area{ci}, which is "
        f"{_chance(result, test.difference, test.p_value)}."
    )
    return _after(result) + text if so_far(result) else text[0].upper() + text[1:]


def note_text(note: ExperimentNote, result: ExperimentResult) -> str:
    """A note on an experiment, as a sentence fragment."""
    match note:
        case AfterSoFar(months_so_far=n, months_after=of, evaluated_to=last):
            return (
                f"{n} of {of} months so far: the after period {month_span(*result.after)} "
                f"is evaluated on its months to {month_label(last)}"
            )
        case BeforeScaled(months_before=before, months_after=after, so_far=running):
            return (
                f"the before period has {before} months and the after period "
                f"{after}{' so far' if running else ''}: before counts are scaled by "
                f"{after}/{before}, so changes are per {after} months"
            )
        case NoDisplacementControl():
            return "no displacement control: the displacement areas' change is counted as it is"
        case PermutationSplits(exact=True, permutations=n, units=units, treated=t, control=c):
            return (
                f"permutation test over all {n:,} ways to split the {units} areas into arms "
                f"of {t} and {c}"
            )
        case PermutationSplits(permutations=n, units=units, seed=seed):
            return f"permutation test over {n:,} random splits of the {units} areas (seed {seed})"
        case NoInterval():
            return (
                "too few areas for a 95% interval: no split of them is unlikely enough to "
                "rule any difference out"
            )
        case NoRecords(period=period, first=first, last=last):
            return (
                f"no records in any area in the {period} period ({month_span(first, last)}): "
                "have those months been imported?"
            )
    raise AssertionError(f"no words for {note!r}")  # pragma: no cover
