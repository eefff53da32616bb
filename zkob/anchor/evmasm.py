"""A small EVM assembler for straight-line code that tracks the stack by name.

Generated code (the Poseidon parts) keeps its working values on the EVM
stack. Writing DUPn/SWAPn depths by hand is where such generators go wrong,
so ``Asm`` records a name for every stack item and computes each depth
itself: ``asm.dup("r")`` emits the DUPn that copies the item named "r" and
fails at generation time when it is deeper than 16. Jumps go only to
labels defined in the same code; their two-byte targets are patched by
``assemble``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPCODES: dict[str, tuple[int, int, int]] = {
    # name: (byte, items popped, items pushed)
    "STOP": (0x00, 0, 0), "ADD": (0x01, 2, 1), "MUL": (0x02, 2, 1), "SUB": (0x03, 2, 1),
    "MOD": (0x06, 2, 1), "ADDMOD": (0x08, 3, 1), "MULMOD": (0x09, 3, 1),
    "LT": (0x10, 2, 1), "GT": (0x11, 2, 1), "EQ": (0x14, 2, 1), "ISZERO": (0x15, 1, 1),
    "AND": (0x16, 2, 1), "OR": (0x17, 2, 1),
    "CALLDATALOAD": (0x35, 1, 1), "CALLDATASIZE": (0x36, 0, 1), "CODECOPY": (0x39, 3, 0),
    "POP": (0x50, 1, 0), "MLOAD": (0x51, 1, 1), "MSTORE": (0x52, 2, 0),
    "JUMPI": (0x57, 2, 0), "JUMPDEST": (0x5B, 0, 0),
    "RETURN": (0xF3, 2, 0), "REVERT": (0xFD, 2, 0),
}
PUSH0, PUSH1, DUP1, SWAP1 = 0x5F, 0x60, 0x80, 0x90
MAX_DEPTH = 16


class StackError(ValueError):
    """The generated code would need a stack item deeper than DUP16/SWAP16 reach, or a missing one."""


@dataclass
class Asm:
    """Code being assembled and the names of the items on the stack (last = top)."""

    stack: list[str] = field(default_factory=list)
    code: bytearray = field(default_factory=bytearray)
    labels: dict[str, int] = field(default_factory=dict)
    fixups: list[tuple[int, str]] = field(default_factory=list)
    _fresh: int = 0

    def fresh(self, prefix: str = "tmp") -> str:
        self._fresh += 1
        return f"{prefix}#{self._fresh}"

    def depth(self, name: str) -> int:
        """1 for the top item."""
        for i, item in enumerate(reversed(self.stack)):
            if item == name:
                return i + 1
        raise StackError(f"{name} is not on the stack {self.stack}")

    def push(self, value: int, name: str | None = None) -> str:
        """PUSH0 or the shortest PUSHn of ``value`` (0 <= value < 2^256)."""
        if not 0 <= value < 1 << 256:
            raise ValueError("push value out of range")
        if value == 0:
            self.code.append(PUSH0)
        else:
            data = value.to_bytes((value.bit_length() + 7) // 8, "big")
            self.code.append(PUSH1 - 1 + len(data))
            self.code += data
        name = name or self.fresh()
        self.stack.append(name)
        return name

    def dup(self, name: str, new: str | None = None) -> str:
        d = self.depth(name)
        if d > MAX_DEPTH:
            raise StackError(f"{name} is {d} deep; DUP reaches {MAX_DEPTH}")
        self.code.append(DUP1 - 1 + d)
        new = new or self.fresh(name.split("#")[0])
        self.stack.append(new)
        return new

    def swap(self, n: int) -> None:
        """SWAPn: exchange the top with the item n below it."""
        if not 1 <= n <= MAX_DEPTH or n >= len(self.stack):
            raise StackError(f"SWAP{n} on a stack of {len(self.stack)}")
        self.code.append(SWAP1 - 1 + n)
        self.stack[-1], self.stack[-1 - n] = self.stack[-1 - n], self.stack[-1]

    def rename(self, old: str, new: str) -> None:
        self.stack[len(self.stack) - self.depth(old)] = new

    def op(self, name: str, out: str | None = None) -> str | None:
        byte, popped, pushed = OPCODES[name]
        if popped > len(self.stack):
            raise StackError(f"{name} needs {popped} items, the stack has {len(self.stack)}")
        self.code.append(byte)
        del self.stack[len(self.stack) - popped:]
        if pushed:
            out = out or self.fresh()
            self.stack.append(out)
            return out
        return None

    def value(self, name: str, out: str | None = None) -> str:
        """``op`` for an opcode that pushes a result; returns the result's name."""
        result = self.op(name, out)
        if result is None:
            raise StackError(f"{name} pushes nothing")
        return result

    def jumpi(self, label: str) -> None:
        """Jump to ``label`` when the top item is non-zero (pops it)."""
        self.code.append(PUSH1 + 1)
        self.fixups.append((len(self.code), label))
        self.code += b"\0\0"
        self.stack.append(self.fresh("dest"))
        self.op("JUMPI")

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)
        self.op("JUMPDEST")

    def assemble(self) -> bytes:
        code = bytearray(self.code)
        for at, label in self.fixups:
            code[at:at + 2] = self.labels[label].to_bytes(2, "big")
        return bytes(code)


def deploy_code(runtime: bytes) -> bytes:
    """Init code that returns ``runtime`` (CODECOPY of what follows a 10-byte stub)."""
    if len(runtime) >= 1 << 16:
        raise ValueError("runtime code too long for a PUSH2 length")
    stub = bytes([PUSH1 + 1, *len(runtime).to_bytes(2, "big"), DUP1, PUSH1, 10, PUSH0,
                  OPCODES["CODECOPY"][0], PUSH0, OPCODES["RETURN"][0]])
    assert len(stub) == 10
    return stub + runtime
