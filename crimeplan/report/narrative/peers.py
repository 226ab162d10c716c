"""The peers sentence: the force against its Most Similar Group."""

from __future__ import annotations

from dataclasses import replace

from crimeplan.codec import to_dict
from crimeplan.report.narrative.figures import Part, Sentence, lower_first, make_sentence
from crimeplan.report.narrative.measure import MeasureView, month_span
from crimeplan.stats.peers import PeerComparison


# -- peers -----------------------------------------------------------------------------------------
def peer_sentence(m: MeasureView) -> Sentence | None:
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
    if m.d.get("kind") == "survey":
        # the force's own survey (its waves above) is not the one its peers share
        parts += ["on the survey common to every force in the group, "]
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
    return make_sentence(*parts, ": ", *statement(m), ".")


def peer_trend_sentence(m: MeasureView) -> Sentence | None:
    """The force's change over the year against its Most Similar Group's (seed paragraph
    39): ``Against the year before (May 2011 to April 2012), the force's rate fell 2.8% and
    the MSG average fell 1.0%: better than its peers, more than chance (p<0.001); it was 5th
    then too.``"""
    peers = m.d.get("peers") or {}
    trend = peers.get("trend")
    if not trend:
        return None
    proportion = peers.get("kind") == "proportion"
    amount = "points" if proportion else "pct"

    def moved(key: str) -> list[Part]:
        value = trend[key]
        if round(value, 1) == 0:
            return ["was unchanged"]
        word = "rose " if value > 0 else "fell "
        tail = [" points"] if proportion else []
        return [word, m.fig(amount, "peers", "trend", key), *tail]

    parts: list[Part] = ["Against the year before"]
    period = trend.get("period_before") or []
    if len(period) == 2:
        parts += [
            " (",
            *month_span(
                m,
                m.fig("month", "peers", "trend", "period_before", 0),
                m.fig("month", "peers", "trend", "period_before", 1),
            ),
            ")",
        ]
    parts += [
        ", the force's figure " if proportion else ", the force's rate ",
        *moved("change"),
        " and the MSG average ",
        *moved("group_change"),
    ]
    difference = trend["difference"]
    if trend["more_than_chance"]:
        better = (difference < 0) == (m.d.get("improvement") == "decrease")
        if m.d.get("improvement") in ("increase", "decrease"):
            verdict = "better than its peers" if better else "worse than its peers"
        else:
            verdict = "a different change from its peers'"
        parts += [": ", verdict, ", more than chance"]
    else:
        parts += [": in line with its peers, allowing for chance"]
    parts += [" (", m.fig("p_value", "peers", "trend", "p_value"), ")"]
    if trend.get("rank_before") == peers.get("rank"):
        parts += ["; it was ", m.fig("ordinal", "peers", "trend", "rank_before"), " then too"]
    else:
        parts += [
            "; it was ",
            m.fig("ordinal", "peers", "trend", "rank_before"),
            " highest of ",
            m.fig("count", "peers", "trend", "n_forces_before"),
            " then",
        ]
    return make_sentence(*parts, ".")


def same_peers_sentence(title: str) -> Sentence:
    """Said instead of a second, identical Most Similar Group comparison."""
    return replace(
        make_sentence(
            "The comparison with the Most Similar Group is the one shown above for ",
            lower_first(title),
            ".",
        ),
        topic="peers",
    )


def statement(m: MeasureView) -> list[Part]:
    """Where the force lies against the MSG average's funnel limits, in words: ``below the
    MSG average beyond chance (outside the 99.8% limits)``."""
    peers = m.d["peers"]
    v95, v998 = peers["verdict_95"], peers["verdict_998"]
    if v998 != "within":
        return [
            m.fig("text", "peers", "verdict_998"),
            " the MSG average beyond chance (outside the ",
            m.fig("key_level", "peers", "limits998"),
            " limits)",
        ]
    if v95 != "within":
        return [
            m.fig("text", "peers", "verdict_95"),
            " the MSG average beyond chance at ",
            m.fig("key_level", "peers", "limits95"),
            " (outside the ",
            m.fig("key_level", "peers", "limits95"),
            " limits, within the ",
            m.fig("key_level", "peers", "limits998"),
            " limits)",
        ]
    return [
        "equal to the MSG average, allowing for chance (inside the ",
        m.fig("key_level", "peers", "limits95"),
        " limits)",
    ]


def peer_statement(peers: PeerComparison) -> str:
    """``statement``'s words on their own, for a table's caption."""
    m = MeasureView({"id": peers.force, "unit": peers.unit, "peers": to_dict(peers)}, {})
    return make_sentence(*statement(m)).text
