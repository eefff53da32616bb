"""Shared output helpers: results to stdout, messages to stderr, exit codes.

Exit codes (STYLE.md rule 13): 0 ok, 1 invalid proof, 2 bad input or
rejected batch. Tracebacks reach the user only with ZKOB_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from rich.console import Console

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def debug_enabled() -> bool:
    return os.environ.get("ZKOB_DEBUG", "") not in ("", "0")


def one_line(message: object) -> str:
    """Collapse a message to one line (errors are one line, DESIGN.md section 8)."""
    return " ".join(str(message).split())


def fail(message: object, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    err.print(f"error: {one_line(message)}", markup=False)
    sys.exit(code)


def warn(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {message}")
