"""The Making Data Count variation and assurance icons, as small SVGs drawn after the NHS
icon set (NHS England, "Making Data Count"; the colours are NHSRplotthedots'): a ringed
circle whose colour says improvement (blue), concern (orange), neither (purple) or common
cause (grey); in it the process's last points and, for special cause, H or L (high or low);
for assurance a letter: P (the target is met consistently), F (missed consistently) or ? (hit
and miss), over the target line.

Each icon carries its text equivalent (``<title>`` and ``aria-label``); the pack prints the
same words beside it, so nothing depends on seeing the colour.
"""

from __future__ import annotations

from html import escape

IMPROVEMENT = "#289de0"
CONCERN = "#fab428"
NEUTRAL = "#361d5e"
COMMON = "#7b7d7d"

#: The dots of each variation icon (x, y in a 40 × 40 box): flat for common cause, rising to
#: the last points for "high", falling for "low".
_FLAT = ((8, 24), (12, 21), (16, 25), (20, 22), (24, 24), (28, 21), (32, 23))
_HIGH = ((8, 27), (12, 26), (16, 27), (20, 25), (24, 21), (28, 18), (32, 16))
_LOW = ((8, 17), (12, 18), (16, 17), (20, 19), (24, 23), (28, 26), (32, 28))

_VARIATION: dict[str, tuple[str, str | None, tuple[tuple[int, int], ...]]] = {
    "common_cause": (COMMON, None, _FLAT),
    "improvement_high": (IMPROVEMENT, "H", _HIGH),
    "improvement_low": (IMPROVEMENT, "L", _LOW),
    "concern_high": (CONCERN, "H", _HIGH),
    "concern_low": (CONCERN, "L", _LOW),
    "neutral_high": (NEUTRAL, "H", _HIGH),
    "neutral_low": (NEUTRAL, "L", _LOW),
}
_ASSURANCE: dict[str, tuple[str, str]] = {
    "pass": (IMPROVEMENT, "P"),
    "fail": (CONCERN, "F"),
    "inconsistent": (COMMON, "?"),
}


def _svg(label: str, body: str, size: int) -> str:
    text = escape(label, quote=True)
    return (
        f'<svg class="icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" '
        f'width="{size}" height="{size}" role="img" aria-label="{text}">'
        f"<title>{text}</title>"
        f"{body}</svg>"
    )


def _ring(colour: str) -> str:
    return f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{colour}" stroke-width="3"/>'


def variation_icon(code: str | None, label: str, size: int = 26) -> str:
    """The variation icon for ``code`` (the results' ``spc.variation_icon``), or ``""``."""
    if code not in _VARIATION:
        return ""
    colour, letter, dots = _VARIATION[code]
    body = [_ring(colour)]
    path = " ".join(f"{x},{y}" for x, y in dots)
    body.append(f'<polyline points="{path}" fill="none" stroke="{COMMON}" stroke-width="1"/>')
    for k, (x, y) in enumerate(dots):
        fill = colour if letter and k >= len(dots) - 3 else COMMON
        body.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{fill}"/>')
    if letter:
        body.append(
            f'<text x="20" y="13" text-anchor="middle" font-family="Arial, sans-serif" '
            f'font-size="9" font-weight="bold" fill="{colour}">{letter}</text>'
        )
    return _svg(label, "".join(body), size)


def assurance_icon(code: str | None, label: str, size: int = 26) -> str:
    """The assurance icon for ``code`` (the results' ``spc.assurance_icon``), or ``""``."""
    if code not in _ASSURANCE:
        return ""
    colour, letter = _ASSURANCE[code]
    body = (
        _ring(colour) + f'<text x="20" y="22" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-size="16" font-weight="bold" fill="{colour}">{escape(letter)}</text>'
        + f'<line x1="9" y1="28" x2="31" y2="28" stroke="{COMMON}" stroke-width="1.5" '
        'stroke-dasharray="2 1.5"/>'
    )
    return _svg(label, body, size)
