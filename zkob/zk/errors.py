"""The small error tree of the zk layer (STYLE.md rule 12)."""

from __future__ import annotations


class ZkError(Exception):
    """Base of every error raised on purpose by zkob.zk."""


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
