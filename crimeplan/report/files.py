"""Files written whole or not at all: a reader (or a board secretary opening the pack) never
sees half of one, and a set of files (the board pack) replaced whole or not at all."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from crimeplan.errors import CrimeplanError


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\n`` line ends) so that a reader never sees half a file."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a written file is 0644
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: The prefix of a folder being written beside ``out`` (``.<out>.writing-<pid>-<random>``).
STAGING = ".{name}.writing-"


@contextmanager
def staged_folder(out: Path, owned: Collection[str], key: str | None = None) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write a set of files into; when the block ends
    without an exception the finished set replaces the previous one in ``out`` (``owned`` are
    the names of the set's files and folders), so that an interrupted run (an error, Ctrl-C,
    a kill, a full disk) leaves the previous set whole and ``out`` as it was.

    When ``out`` is absent or holds nothing but the set's files, the folders are swapped in
    one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, a window of
    microseconds). When ``out`` holds other files too (``crimeplan demo`` keeps its store
    there) they stay, and the set's entries are moved in one by one (a rename each): the
    writing, which takes seconds, never touches the previous set. Names in ``owned`` that
    this run did not write are removed from ``out``: they belong to the previous set; unless
    the file named ``key`` (the pack's results.json) is byte for byte the previous one, when
    they were made from the same numbers and are kept (linked into the new set)."""
    target = out.resolve() if out.is_symlink() else out
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target)
        stage = Path(tempfile.mkdtemp(dir=parent, prefix=_staging_prefix(target)))
    except OSError as error:
        raise CrimeplanError(
            f"--out {out}: cannot write the pack there ({error.filename or out}: "
            f"{error.strerror or error}); choose a folder you can write to"
        ) from None
    try:
        yield stage
        os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700; a made folder is 0755
        if key is not None and _same_file(stage / key, target / key):
            _keep_unwritten(stage, target, owned)
        _commit(stage, target, set(owned))
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _keep_unwritten(stage: Path, target: Path, owned: Collection[str]) -> None:
    """The previous set's files this run did not write, linked (or copied) into ``stage``:
    the previous set is left as it is until the commit."""
    for name in owned:
        old, new = target / name, stage / name
        if new.exists() or not old.is_file() or old.is_symlink():
            continue
        try:
            os.link(old, new)
        except OSError:
            shutil.copy2(old, new)


def _staging_prefix(target: Path) -> str:
    return STAGING.format(name=target.name or "pack") + f"{os.getpid()}-"


def _remove_abandoned(target: Path) -> None:
    """Staging folders beside ``target`` left by a run that was killed (its process gone)."""
    prefix = STAGING.format(name=target.name or "pack")
    if not target.parent.is_dir():
        return
    for entry in target.parent.iterdir():
        if not entry.name.startswith(prefix) or not entry.is_dir():
            continue
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _commit(stage: Path, target: Path, owned: set[str]) -> None:
    if not target.exists():
        os.rename(stage, target)
        return
    if not target.is_dir():
        raise CrimeplanError(f"--out {target}: is a file; expected a folder")
    if all(entry.name in owned for entry in target.iterdir()):
        swap_paths(stage, target)  # ``stage`` now holds the previous set, removed by the caller
        return
    for name in sorted(owned, key=lambda n: n == "results.json"):  # results.json last
        new, old = stage / name, target / name
        if new.is_dir() and old.is_dir() and not old.is_symlink():
            swap_paths(new, old)
        elif new.exists():
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            os.replace(new, old)
        elif old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()


def swap_paths(a: Path, b: Path) -> None:
    """Exchange two folders (or files) on one file system: atomically on Linux, where
    ``renameat2(RENAME_EXCHANGE)`` does it in one step; otherwise by two renames."""
    if _exchange(a, b):
        return
    aside = a.with_name(a.name + ".swap")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, or another C library
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))
