"""``figures_check``: every number token of a sentence is one of its figures, and every
figure is the value at its path in the results, formatted again."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from crimeplan.report.narrative.figures import FORMATS, Path, Sentence

# -- the check -------------------------------------------------------------------------------------
#: A number as a sentence shows it: digits with their separators, an optional sign and %.
NUMBER = re.compile(r"[+\-−]?\d(?:[\d,./]*\d)?%?")


def number_tokens(text: str) -> list[str]:
    """The number tokens of ``text``: ``2,902``, ``+0.6%``, ``2012/13``, ``20/47``."""
    return NUMBER.findall(text)


def _mask(text: str, figure_text: str) -> tuple[str, int]:
    pattern = r"(?<![0-9])(?<![0-9][.,])" + re.escape(figure_text) + r"(?![0-9])(?![.,/][0-9])"
    return re.subn(pattern, lambda hit: "\x00" * len(hit.group(0)), text)


def _resolve(results: Mapping[str, Any], path: Path) -> tuple[bool, Any]:
    data: Any = results
    for depth, key in enumerate(path):
        if depth == 1 and path[0] == "measures" and isinstance(key, str):
            match = [m for m in data if isinstance(m, Mapping) and m.get("id") == key]
            if not match:
                return False, None
            data = match[0]
            continue
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, data


def figures_check(sentences: Iterable[Sentence], results_dict: Mapping[str, Any]) -> list[str]:
    """The problems found, in words (an empty list when every number checks out):

    - a number token in a sentence that is not the text of one of its figures;
    - a figure whose text is not in its sentence;
    - a figure whose path is not in ``results_dict`` (``MeasuresResult.to_dict()``, or the
      ``results.json`` it was written to), or whose value there differs from the figure's
      or, formatted again, from its text.
    """
    problems: list[str] = []
    for sentence in sentences:
        masked = sentence.text
        for figure in sorted(sentence.figures, key=lambda f: -len(f.text)):
            masked, hits = _mask(masked, figure.text)
            if not hits and figure.text not in sentence.text:
                problems.append(f"figure {figure.text!r} is not in the sentence: {sentence.text}")
        for token in number_tokens(masked):
            problems.append(f"number {token!r} is not a figure: {sentence.text}")
        for figure in sentence.figures:
            where = "/".join(str(k) for k in figure.path)
            found, value = _resolve(results_dict, figure.path)
            if not found:
                problems.append(f"figure {figure.text!r}: no {where} in the results")
                continue
            if figure.format not in FORMATS:
                problems.append(f"figure {figure.text!r}: unknown format {figure.format!r}")
                continue
            if figure.value != value:
                problems.append(
                    f"figure {figure.text!r}: {where} is {value!r} in the results, "
                    f"not {figure.value!r}"
                )
            raw = figure.path[-1] if figure.format == "key_level" else value
            try:
                again = FORMATS[figure.format](raw)
            except (TypeError, ValueError, IndexError, AttributeError) as error:
                problems.append(f"figure {figure.text!r}: {where} does not format ({error})")
                continue
            if again != figure.text:
                problems.append(
                    f"figure {figure.text!r}: {where} formats as {again!r} in the results"
                )
    return problems
