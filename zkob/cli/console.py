"""Shared output helpers: results to stdout, messages to stderr, progress.

Exit codes are declared in zk/errors.py (0 ok, 1 refused, 2 bad input or
rejected batch, 3 internal error); cli/main.py ends every command with
them. Tracebacks reach the user only with ZKOB_DEBUG=1.

Text that comes from the user (paths, file contents, messages that quote
them) is never parsed as rich markup: print it with ``markup=False`` or
as a ``Text``, so that a path like ``a[/x]b`` cannot raise a MarkupError
after a command has already committed its work.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from rich.console import Console
from rich.status import Status
from rich.text import Text

from ..zk.errors import EXIT_BAD_INPUT

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def debug_enabled() -> bool:
    return os.environ.get("ZKOB_DEBUG", "") not in ("", "0")


def one_line(message: object) -> str:
    """Collapse a message to one line (errors are one line, docs/protocol.md section 7)."""
    return " ".join(str(message).split())


def fail(message: object, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (the error boundary's printer).

    An OSError reads ``path: reason`` instead of Python's ``[Errno n] ...``.
    """
    if isinstance(message, OSError) and message.strerror:
        message = f"{message.filename}: {message.strerror}" if message.filename else message.strerror
    err.print(f"error: {one_line(message)}", markup=False)
    sys.exit(code)


def warn(message: str) -> None:
    err.print(Text.assemble(("warning:", "bold yellow"), f" {message}"))


def done(message: str) -> None:
    """A green check mark and ``message`` on stderr (the message is printed as it is)."""
    err.print(Text.assemble(("✓", "green"), f" {message}"))


class Phases:
    """Progress for multi-step work: a spinner on the running phase, its time when it ends.

    Used as ``with Phases(quiet) as report: report("proving")``; each call
    ends the previous phase. Everything goes to stderr, so stdout stays
    clean for results and ``--json``.
    """

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.timings: list[tuple[str, float]] = []
        self._status: Status | None = None
        self._name: str | None = None
        self._start = 0.0

    def __enter__(self) -> "Phases":
        return self

    def __call__(self, name: str) -> None:
        import time

        self._finish()
        self._name, self._start = name, time.perf_counter()
        if not self.quiet:
            if self._status is None:
                self._status = err.status(Text(name))
                self._status.start()
            else:
                self._status.update(Text(name))

    def _finish(self) -> None:
        import time

        if self._name is None:
            return
        elapsed = time.perf_counter() - self._start
        self.timings.append((self._name, elapsed))
        if not self.quiet:
            err.print(Text.assemble(("✓", "green"), f" {self._name} ", (f"({elapsed:.2f} s)", "dim")))
        self._name = None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._finish()
        if self._status is not None:
            self._status.stop()

    @property
    def total(self) -> float:
        return sum(t for _, t in self.timings)
