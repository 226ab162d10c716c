"""The peers sentence: the force against its Most Similar Group."""

from __future__ import annotations

from dataclasses import replace

from crimeplan.codec import to_dict
from crimeplan.report.narrative.figures import Part, Sentence, lower_first, make_sentence
from crimeplan.report.narrative.measure import MeasureView
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
