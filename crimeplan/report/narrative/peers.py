"""The peers sentence: the force against its Most Similar Group."""

from __future__ import annotations

from crimeplan.report.narrative.figures import Part, Sentence, _sentence
from crimeplan.report.narrative.measure import _Measure


# -- peers -----------------------------------------------------------------------------------------
def _peers(m: _Measure) -> Sentence | None:
    peers = m.d.get("peers")
    if not peers or peers.get("value") is None or peers.get("group_value") is None:
        return None
    kind = peers.get("kind")
    value_format = "percent" if kind == "proportion" else "rate"
    unit: list[Part] = []
    if kind != "proportion" and peers.get("unit"):
        unit = [" ", m.fig("text", "peers", "unit")]
    parts: list[Part] = []
    period = peers.get("period") or []
    if len(period) == 2:
        parts += [
            "From ",
            m.fig("month", "peers", "period", 0),
            " to ",
            m.fig("month", "peers", "period", 1),
            ", ",
        ]
    force = m.fig("text", "peers", "force")
    parts += [
        force,
        "'s " if kind == "proportion" else "'s rate of ",
        m.fig(value_format, "peers", "value"),
        *unit,
        " compares with a Most Similar Group (MSG) average of ",
        m.fig(value_format, "peers", "group_value"),
    ]
    if peers.get("rank") is not None and peers.get("n_forces"):
        parts += [
            " (",
            m.fig("ordinal", "peers", "rank"),
            " highest of ",
            m.fig("count", "peers", "n_forces"),
            " forces)",
        ]
    if peers.get("statement"):
        parts += [": ", m.fig("text", "peers", "statement")]
    return _sentence(*parts, ".")
