"""The kinds of measure, registered in one place: ``KINDS`` maps the plan file's ``kind:`` to
the ``Kind`` that evaluates it (``crimeplan.measures.kinds.base``).

A kind is its plan model (a member of ``crimeplan.plan.model.Measure``, the discriminated
union the plan file is read into) and one module here: the record counts it needs from the
shared grouped query, its evaluation, its statistics and facts, and the narrative's
sentences for it. Adding a kind is its plan model, a module here and its line below.
"""

from __future__ import annotations

from crimeplan.measures.kinds.base import AnyKind, Evaluation, Kind, Period
from crimeplan.measures.kinds.count import Count
from crimeplan.measures.kinds.proportion import Proportion
from crimeplan.measures.kinds.published import Published
from crimeplan.measures.kinds.rate import Rate
from crimeplan.measures.kinds.survey import Survey

#: Every kind of measure, by the plan file's ``kind:``.
KINDS: dict[str, AnyKind] = {
    kind.name: kind for kind in (Count(), Rate(), Proportion(), Survey(), Published())
}


def kind_of(kind: str) -> AnyKind:
    """The ``Kind`` of a plan file's ``kind:`` value."""
    return KINDS[kind]


__all__ = ["KINDS", "AnyKind", "Evaluation", "Kind", "Period", "kind_of"]
