"""The state layer's errors: a batch the state machine refuses, a broken state directory.

Both are ``ZkobError``s with exit code 2 (zk/errors.py).
"""

from __future__ import annotations

from ..zk.errors import ZkobError


class Rejected(ZkobError):
    """A batch violates a rule of docs/protocol.md section 4; nothing was changed.

    ``rule`` is a short stable name (e.g. ``"insufficient_balance"``),
    ``op_index`` the 0-based index of the offending op in the batch,
    ``op_type`` its type name and ``detail`` a human explanation.
    ``str()`` is one line naming all of them.
    """

    def __init__(self, rule: str, op_index: int, op_type: str, detail: str = ""):
        self.rule = rule
        self.op_index = op_index
        self.op_type = op_type
        self.detail = detail
        text = f"op {op_index} ({op_type}) rejected: rule {rule}"
        if detail:
            text += f": {detail}"
        super().__init__(" ".join(text.split()))


class StoreError(ZkobError):
    """A state directory is missing, malformed, or changed under us (one-line message)."""
