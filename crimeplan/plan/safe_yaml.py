"""Every YAML file crimeplan reads is read here, with limits checked before objects are built.

A YAML file is small to write and can be enormous to read: a few hundred bytes of nested
aliases (``b: &b [*a, *a, …]``, the "billion laughs") stand for billions of values, and a
list nested 20,000 deep exhausts Python's stack. :class:`BoundedLoader` composes the
document node by node and refuses, naming the file and line, before it goes too far:

* more than :data:`MAX_ALIASES` aliases (``*name``);
* more than :data:`MAX_NODES` values once every alias is expanded (what a reader of the
  data — our line recorder, pydantic — would walk);
* nesting deeper than :data:`MAX_DEPTH` lists and mappings;

and :func:`read_yaml_file` refuses a file over :data:`MAX_BYTES` before reading it. The
limits are far above any real plan or mapping (the built-in West Midlands plan is 57 KB,
1,639 values, 9 levels deep, with no aliases).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from crimeplan.errors import CrimeplanError

#: The largest YAML file read, in bytes (a full force plan is under 100 KB).
MAX_BYTES = 512_000
#: The most aliases (``*name``) one document may use.
MAX_ALIASES = 1_000
#: The most values (scalars, lists, mappings) a document may hold, aliases expanded.
MAX_NODES = 200_000
#: The deepest nesting of lists and mappings.
MAX_DEPTH = 64


_OVER = ", over crimeplan's limit"


class YamlLimitError(yaml.MarkedYAMLError):
    """A document goes beyond one of the limits; ``problem_mark`` is where."""


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _SafeLoader(Composer, CParser, SafeConstructor, Resolver):
        """``yaml.SafeLoader`` with libyaml's scanner and parser (six times faster) and
        PyYAML's composer, whose ``compose_node`` the limits hook into (libyaml's own
        ``CSafeLoader`` composes in C, out of reach)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _SafeLoader(yaml.SafeLoader):  # type: ignore[no-redef]
        pass


class BoundedLoader(_SafeLoader):
    """A SafeLoader that stops composing a document beyond the limits (see the module)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._sizes: dict[str, int] = {}  # anchor → values under it, aliases expanded
        self._counts: list[int] = [0]  # values under each open collection

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if event is None:  # pragma: no cover - the composer asks only where an event is
            return super().compose_node(parent, index)
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                self._refuse(event, f"uses more than {MAX_ALIASES:,} aliases (*name){_OVER}")
            name = str(event.anchor)
            if name in self.anchors and name not in self._sizes:
                self._refuse(event, f"alias *{name} is inside the value it names, a loop")
            node = super().compose_node(parent, index)
            self._add(event, self._sizes.get(name, 1))
            return node
        if self._depth >= MAX_DEPTH:
            self._refuse(event, f"is nested more than {MAX_DEPTH} levels deep{_OVER}")
        anchor = getattr(event, "anchor", None)
        self._depth += 1
        self._counts.append(0)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            inner = self._counts.pop()
        size = 1 + inner
        if anchor is not None:
            self._sizes[str(anchor)] = size
        self._add(event, size)
        return node

    def _add(self, event: yaml.Event, size: int) -> None:
        self._counts[-1] += size
        if self._counts[-1] > MAX_NODES:
            self._refuse(
                event, f"holds more than {MAX_NODES:,} values once its aliases are expanded{_OVER}"
            )

    def _refuse(self, event: yaml.Event, what: str) -> None:
        raise YamlLimitError(problem=what, problem_mark=event.start_mark)  # type: ignore[arg-type]


def mark_line(error: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at, if it points anywhere."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def compose(text: str, file: str, error: type[CrimeplanError] = CrimeplanError) -> Any:
    """The node tree of ``text`` (None if empty), composed within the limits.

    A document beyond a limit raises a one-line ``error``
    (``FILE:LINE: the YAML is nested more than 64 levels deep, beyond …``); a YAML syntax
    error (``yaml.YAMLError``) is left to the caller, which words it for its kind of file.
    """
    composer = BoundedLoader(text)
    try:
        return composer.get_single_node()
    except YamlLimitError as problem:
        raise limit_error(problem, file, error) from None
    finally:
        composer.dispose()


def load(text: str, file: str, error: type[CrimeplanError] = CrimeplanError) -> tuple[Any, Any]:
    """``(node, data)``: the node tree of ``text`` (see :func:`compose`) and the plain data
    (dicts, lists, scalars) it stands for, as ``yaml.safe_load`` would give them."""
    node = compose(text, file, error)
    if node is None:
        return None, None
    constructor = BoundedLoader("")
    try:
        return node, constructor.construct_document(node)
    finally:
        constructor.dispose()


def limit_error(
    problem: YamlLimitError, file: str, error: type[CrimeplanError] = CrimeplanError
) -> CrimeplanError:
    """The one-line message for a document beyond a limit."""
    line = mark_line(problem)
    where = f"{file}:{line}" if line is not None else file
    return error(
        f"{where}: the YAML {problem.problem}; no plan or mapping needs that "
        "(is this the right file?)"
    )


def read_yaml_file(path: Path, what: str, error: type[CrimeplanError] = CrimeplanError) -> bytes:
    """The bytes of the YAML file ``path``, refused (one line) if over :data:`MAX_BYTES`.

    ``what`` names the kind of file in messages ("plan file", "mapping"). Missing files
    and folders are left to the caller's own wording (``OSError`` propagates).
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise error(
            f"{path}: the {what} is {size:,} bytes; crimeplan reads YAML files of at most "
            f"{MAX_BYTES:,} bytes (is this the right file?)"
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)  # the file may grow between stat and read
    if len(data) > MAX_BYTES:
        raise error(
            f"{path}: the {what} is over {MAX_BYTES:,} bytes; crimeplan reads YAML files of at "
            f"most {MAX_BYTES:,} bytes (is this the right file?)"
        )
    return data
