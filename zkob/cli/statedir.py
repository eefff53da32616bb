"""Opening a state directory from a command: the state, or a one-line error and exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .console import fail

if TYPE_CHECKING:
    from ..state.api import State


def open_or_fail(directory: Path) -> State:
    """The state in ``directory``; a missing or broken one ends the command with exit 2.

    Imports the state layer when called, so loading the command modules at
    start-up stays cheap.
    """
    from ..state.api import open_state
    from ..state.errors import StoreError

    try:
        return open_state(directory)
    except StoreError as exc:
        fail(exc)
