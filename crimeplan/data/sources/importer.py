"""What a source is: an ``Importer``, everything ``crimeplan import NAME`` needs in one object::

    IMPORTER = Importer(
        name="population",                # the command: crimeplan import population FILE
        help=HELP,                        # its --help, ending with an Example: block
        layouts=(POPULATION,),            # the headers it reads (docs/data-formats.md)
        targets=(TARGET,),                # the store table it fills and its supersession key
        options=(),                       # beyond --store, --skip-bad and --rejects
        run=single_file(import_request),  # Request → the lines the command prints
    )

Each source is one module of ``crimeplan.data.sources`` defining its ``IMPORTER``;
``crimeplan.data.sources.registry`` lists them, and ``crimeplan.commands.sources`` makes the
click commands from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crimeplan.data.sources.flow import Layout, Target
from crimeplan.data.store import ImportReport, Store

#: The argument and options every importer has; its own options may not use these names.
SHARED_OPTIONS = ("file", "paths", "store_path", "skip_bad", "rejects", "replace", "encoding")

#: Told before each step of a long run: what the step does, steps done, steps in all.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Option:
    """An importer's own option, ``--flag VALUE``; its run reads it as ``options[name]``.

    ``file``: the value is a file path (shown as FILE), else text. ``choices`` limit the
    value (shown with the ``default``).
    """

    flag: str
    name: str
    help: str
    file: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    required: bool = False


#: ``--force NAME``, for the layouts whose rows may leave out the force (see ``force_value``).
FORCE = Option("--force", "force", "The force's name, for rows without a force column.")


@dataclass(frozen=True)
class Request:
    """What ``crimeplan import NAME`` was asked to do: the files (one, unless the importer
    takes ``many``), the store, the importer's own options, and what to do with bad rows."""

    paths: tuple[Path, ...]
    store_path: Path
    options: Mapping[str, str | Path | None] = field(default_factory=dict)
    skip_bad: bool = False
    rejects: Path | None = None
    progress: ProgressCallback | None = None
    #: ``--replace``: a file already imported is imported again in place of that import
    replace: bool = False

    @property
    def path(self) -> Path:
        """The file, for an importer of one file."""
        return self.paths[0]

    def text(self, name: str) -> str | None:
        """The value of the text option ``name`` (None when not given)."""
        value = self.options[name]
        if value is not None and not isinstance(value, str):  # pragma: no cover - a bug
            raise TypeError(f"option {name!r} is a file, not text")
        return value

    def file(self, name: str) -> Path | None:
        """The value of the file option ``name`` (None when not given)."""
        value = self.options[name]
        if value is not None and not isinstance(value, Path):  # pragma: no cover - a bug
            raise TypeError(f"option {name!r} is text, not a file")
        return value

    def open_store(self) -> Store:
        """The store, created if it does not exist yet (importers are the only commands, with
        ``crimeplan demo``, that create one)."""
        store = Store.open(self.store_path, create=True)
        store.replace_same_files = self.replace
        return store


#: An importer's work: given the request, the lines to print, each as soon as it is known.
Run = Callable[[Request], Iterable[str]]


@dataclass(frozen=True)
class Importer:
    """One source of data, and the ``crimeplan import NAME`` command that reads it.

    ``targets`` are the store tables it fills (with the key a newer file supersedes by);
    ``layouts`` the CSV headers it accepts (none when a mapping file says what the columns
    are); ``many``: it takes files or folders (PATHS...) instead of one FILE.
    """

    name: str
    help: str
    targets: tuple[Target, ...]
    run: Run
    layouts: tuple[Layout, ...] = ()
    options: tuple[Option, ...] = ()
    many: bool = False

    def __post_init__(self) -> None:
        # a programming error, not a user's: caught by any test that imports the registry
        example = self.help.rpartition("Example:")[2]
        if f"crimeplan import {self.name}" not in example:
            raise ValueError(
                f"importer {self.name!r}: its help must end with an Example: block "
                f"using 'crimeplan import {self.name}'"
            )
        names = [option.name for option in self.options]
        clashes = sorted({n for n in names if names.count(n) > 1 or n in SHARED_OPTIONS})
        if clashes:
            raise ValueError(f"importer {self.name!r}: option name {clashes[0]!r} is taken")


def report_lines(report: ImportReport) -> Iterator[str]:
    """What a command prints for one file's import: its summary, then a line per note."""
    yield report.summary()
    for note in report.notes:
        yield f"  note: {note}"


def single_file(load: Callable[[Store, Request], ImportReport]) -> Run:
    """The run of an importer of one file: open the store, ``load`` the file, print the
    report."""

    def run(request: Request) -> Iterator[str]:
        with request.open_store() as store:
            report = load(store, request)
        yield from report_lines(report)

    return run
