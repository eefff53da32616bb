"""zkob's error tree and its exit codes (STYLE.md rules 12 and 13).

Every error zkob raises on purpose derives from ``ZkobError``, which
carries the exit code the command line ends with; cli/main.py catches it
in one place. The codes:

====  =======================================================================
0     success
1     an invalid proof or a refused step (``Refused``)
2     bad input or a rejected batch (``MalformedInput``, ``SetupRefused``,
      state's ``Rejected`` and ``StoreError``, and any other ``ZkobError``)
3     an internal error: a bug, not the user's input (``InternalError``, and
      any exception that is not a ZkobError)
====  =======================================================================

It lives in the lowest layer so that every layer can raise it; ``ZkError``
and its subclasses are the zk layer's own.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class ZkobError(Exception):
    """Base of every error zkob raises on purpose; ``exit_code`` is what the CLI exits with."""

    exit_code: int = EXIT_BAD_INPUT


class Refused(ZkobError):
    """A proof that does not verify, or a step a light client or replica refuses (exit 1)."""

    exit_code = EXIT_REFUSED


class InternalError(ZkobError):
    """Something that cannot happen unless zkob has a bug, e.g. a fresh proof that fails its own check."""

    exit_code = EXIT_INTERNAL


class ZkError(ZkobError):
    """Base of every error raised on purpose by zkob.zk (bad input: exit 2)."""


class MalformedInput(ZkError):
    """An outside input (JSON, binary file, number) is not in canonical form.

    ``field`` names the offending part, e.g. ``"proof.pi_a[0]"``.
    """

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Unsatisfied(ZkError):
    """A witness does not satisfy an R1CS; ``label`` names the first failing constraint."""

    def __init__(self, index: int, label: str):
        super().__init__(f"constraint {index} ({label}) is not satisfied")
        self.index = index
        self.label = label


class SetupRefused(ZkError):
    """A key is unsafe (gamma == delta, delta == G2 generator, repeated or identity IC)."""
