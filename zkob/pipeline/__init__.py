"""From a state and a batch to proof files and back: keys, proving, outputs, replay.

The layer between the circuit and the command line (docs/protocol.md
section 1): it loads keys, proves a batch inside the state machine's
``apply_batch`` (so the batch runs once), writes and reads the output
files, and replays private batches against their public inputs. No click,
no rich, no printing: a long step reports its phases through an optional
``report(phase)`` callback, and failures are ``ZkobError``s the caller
turns into messages.

Modules: ``keyfiles`` (key file names and strict loading; no circuit, so
light-client tools can use it), ``setup`` (development keys), ``prove``
(the prover loaded once, and ``prove_batch``), ``outputs`` (OUT/*.json
written and read), ``replay`` (a replica re-executing proven batches).
"""

from __future__ import annotations

from collections.abc import Callable

Report = Callable[[str], None]


def quiet(_: str) -> None:
    """A ``report`` that shows nothing."""
