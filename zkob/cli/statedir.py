"""Opening a state directory from a command, closed again when the command ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..state.state import State


@contextmanager
def state_dir(directory: Path) -> Iterator[State]:
    """The state in ``directory`` for the ``with`` block; a missing or broken one is a StoreError (exit 2).

    Imports the state layer when called, so loading the command modules at
    start-up stays cheap.
    """
    from ..state.api import opened

    with opened(directory) as state:
        yield state
