"""Report files written atomically: a temporary name beside the target, renamed into place
only when the file is complete, so a killed run never leaves a half-written report and an
older report stays intact."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csops.errors import UsageError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it only if the block succeeds.

    The temporary name carries the writer's process id (`.report.xlsx.4242.k3j9.part`):
    a run killed while writing leaves its part behind, and the next write to the same
    target removes the parts of processes that are gone. An OSError (disk full, no
    permission) becomes a UsageError naming the file; the previous file stays as it was.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes 0600 files: give the report the mode a plain file would get, so a
        # report written by cron as one user can be opened by the manager.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp_path, 0o666 & ~mask)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    finally:
        tmp_path.unlink(missing_ok=True)


def cannot_write(target: Path, exc: OSError) -> UsageError:
    """The error of a file that could not be written (disk full, read only, no permission)."""
    return UsageError(
        f"cannot write {target} ({exc.strerror or exc}); any earlier file there is unchanged"
    )


def _remove_stale_parts(target: Path) -> None:
    """Delete `.NAME.PID.*.part` files beside `target` left by processes that are gone (and
    the scratch folders earlier versions of csops made there)."""
    prefix = f".{target.name}."
    for part in target.parent.glob(f"{glob.escape(prefix)}*.part"):
        pid = part.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            if part.is_dir():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
