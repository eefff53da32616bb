"""circomlib's Poseidon as EVM code, generated from the folded sparse plan.

``poseidon_parts(t)`` returns the runtime code of one or more *parts* for
state width t (inputs n = t - 1). Calling them in order computes
H(x_1..x_n) exactly as ``zkob.zk.poseidon.poseidon`` (a test checks widths
2 to 9 on a py-evm chain against ``zkob hash``):

* part 0 takes calldata of exactly n words, reverts unless each is < r,
  and starts from the state [0, x_1..x_n];
* a later part takes exactly t words, the state the previous part returned;
* every part returns the t state words, except the last, which returns
  the one word H.

Why parts: the rounds are straight-line code with the constants as PUSH32
immediates (the cheapest way to read a constant), and that is more than
the 24,576 bytes EIP-170 allows one contract for t >= 5; the generator
cuts at round boundaries. The lanes live on the stack with r below them;
a full round writes its new lanes to memory and reloads them (t + 5 stack
items at most, so t <= 11 stays within DUP16); partial rounds use the
sparse form (2t - 1 products, poseidon_sparse.py). Values stay below r
between rounds; products are summed with ADD (five products < r still fit
in 256 bits) and reduced with MOD.

Measured cost (bench/results/anchor.md, execution with the calls between
parts): t = 3 15.0k gas (one part), t = 5 26.6k (two), t = 9 56.5k (four).
Generating the parts of one width takes about 0.3 s (cached).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial

from ..zk.field import R
from ..zk.poseidon_sparse import PartialRound, sparse_plan
from .evmasm import Asm

MAX_CODE = 24_576          # EIP-170
MIN_WIDTH, MAX_WIDTH = 2, 11
SUM_LIMIT = 5              # 5 r < 2^256: up to five values below r add without overflow


def _lanes(t: int) -> list[str]:
    """The canonical stack between blocks: r at the bottom, lane 0 on top."""
    return ["r", *(f"s{i}" for i in reversed(range(t)))]


def _sbox(asm: Asm, a: str) -> str:
    """Replace the top item a by a^5 mod r (3 MULMODs, 48 gas)."""
    asm.dup("r")
    asm.dup(a)
    asm.dup(a)
    a2 = asm.value("MULMOD")
    asm.dup("r")
    asm.swap(1)
    asm.dup(a2)
    a4 = asm.value("MULMOD")
    asm.dup("r")
    asm.swap(2)
    del a4
    return asm.value("MULMOD")


def _reduce(asm: Asm) -> None:
    asm.dup("r")
    asm.swap(1)
    asm.op("MOD")


def _dot(asm: Asm, coeffs: Sequence[int], names: Sequence[str]) -> str:
    """Push sum_j coeffs[j] * names[j] mod r (one MULMOD per term, a MOD every five)."""
    count = 0
    for c, name in zip(coeffs, names, strict=True):
        if count == SUM_LIMIT:
            _reduce(asm)
            count = 1
        asm.dup("r")
        asm.dup(name)
        asm.push(c)
        asm.op("MULMOD")
        if count:
            asm.op("ADD")
        count += 1
    _reduce(asm)
    return asm.stack[-1]


def _reload(asm: Asm, t: int, stored: Sequence[int]) -> None:
    """Pop the lanes ``stored`` replaced in memory (the top len(stored) items), reload lanes t-1..0."""
    for _ in stored:
        asm.op("POP")
    for i in reversed(range(t)):
        if i in stored:
            asm.push(32 * i)
            asm.op("MLOAD", f"s{i}")


def full_round(asm: Asm, t: int, constants: Sequence[int], mds: Sequence[Sequence[int]]) -> None:
    """s <- M (s + c)^5 on every lane."""
    for i in range(t):
        lane = f"s{i}"
        if i == 0:
            asm.push(constants[0])
            asm.op("ADD", "a")
            asm.rename(_sbox(asm, "a"), "s0")
            continue
        asm.dup(lane, "a")
        asm.push(constants[i])
        asm.op("ADD", "a2")
        y = _sbox(asm, "a2")
        asm.swap(asm.depth(lane) - 1)
        asm.op("POP")
        asm.rename(y, lane)
    for k, row in enumerate(mds):
        _dot(asm, row, [f"s{j}" for j in range(t)])
        asm.push(32 * k)
        asm.op("MSTORE")
    _reload(asm, t, range(t))


def partial_round(asm: Asm, t: int, rnd: PartialRound) -> None:
    """s0 <- (s0 + c)^5; s0' = row0 . s; s_i' = s_i + v_i s0 (the sparse mix)."""
    asm.push(rnd.constant)
    asm.op("ADD", "a")
    asm.rename(_sbox(asm, "a"), "u")
    names = ["u", *(f"s{i}" for i in range(1, t))]
    new0 = _dot(asm, rnd.row0, names)
    asm.rename(new0, "n0")
    for i in range(1, t):
        asm.dup("r")
        asm.dup(f"s{i}")
        asm.dup("r")
        asm.dup("u")
        asm.push(rnd.v_hat[i - 1])
        asm.op("MULMOD")
        asm.op("ADDMOD", "n")
        asm.swap(asm.depth(f"s{i}") - 1)
        asm.op("POP")
        asm.rename("n", f"s{i}")
    asm.swap(1)
    asm.op("POP")
    asm.rename("n0", "s0")


def leave_sparse(asm: Asm, t: int, t_hat: Sequence[Sequence[int]]) -> None:
    """x = diag(1, T^) s: the dense matrix the sparse rounds left over, applied once."""
    for i, row in enumerate(t_hat, start=1):
        _dot(asm, row, [f"s{j}" for j in range(1, t)])
        asm.push(32 * i)
        asm.op("MSTORE")
    asm.push(0)
    asm.op("MSTORE")
    for _ in range(1, t):
        asm.op("POP")
    for i in reversed(range(t)):
        asm.push(32 * i)
        asm.op("MLOAD", f"s{i}")


Block = Callable[[Asm], None]


def _blocks(t: int) -> list[Block]:
    plan = sparse_plan(t)
    blocks: list[Block] = [partial(full_round, t=t, constants=c, mds=plan.mds) for c in plan.full_before]
    blocks += [partial(partial_round, t=t, rnd=rnd) for rnd in plan.partial]
    blocks.append(partial(leave_sparse, t=t, t_hat=plan.t_hat))
    blocks += [partial(full_round, t=t, constants=c, mds=plan.mds) for c in plan.full_after]
    return blocks


def _block_code(t: int, block: Block) -> bytes:
    asm = Asm(stack=_lanes(t))
    block(asm)
    if asm.stack != _lanes(t):
        raise AssertionError(f"block left the stack as {asm.stack}")
    return asm.assemble()


def _prologue(t: int, first: bool) -> Asm:
    asm = Asm()
    asm.push(R, "r")
    words = t - 1 if first else t
    asm.op("CALLDATASIZE")
    asm.push(32 * words)
    asm.op("EQ")
    asm.op("ISZERO")
    asm.jumpi("fail")
    for i in reversed(range(t)):
        if first and i == 0:
            asm.push(0, "s0")
            break
        asm.push(32 * (i - 1 if first else i))
        lane = asm.value("CALLDATALOAD", f"s{i}")
        if first:
            asm.dup("r")
            asm.dup(lane)
            asm.op("LT")
            asm.op("ISZERO")
            asm.jumpi("fail")
    return asm


def _epilogue(asm: Asm, t: int, last: bool) -> None:
    for i in range(1 if last else t):
        asm.push(32 * i)
        asm.op("MSTORE")
    asm.push(32 * (1 if last else t))
    asm.push(0)
    asm.op("RETURN")
    asm.stack = []
    asm.label("fail")
    asm.push(0)
    asm.push(0)
    asm.op("REVERT")


def _part(t: int, codes: Sequence[bytes], first: bool, last: bool) -> bytes:
    asm = _prologue(t, first)
    for code in codes:
        asm.code += code
    asm.stack = _lanes(t)
    _epilogue(asm, t, last)
    return asm.assemble()


@lru_cache(maxsize=None)
def poseidon_parts(t: int, max_code: int = MAX_CODE) -> tuple[bytes, ...]:
    """Runtime code of the parts of width t (2..11), each at most ``max_code`` bytes."""
    if not MIN_WIDTH <= t <= MAX_WIDTH:
        raise ValueError(f"EVM Poseidon widths are {MIN_WIDTH}..{MAX_WIDTH}, got {t}")
    codes = [_block_code(t, b) for b in _blocks(t)]
    overhead = len(_part(t, [], True, False)) + 8
    groups: list[list[bytes]] = [[]]
    for code in codes:
        if groups[-1] and sum(map(len, groups[-1])) + len(code) + overhead > max_code:
            groups.append([])
        groups[-1].append(code)
    return tuple(_part(t, g, i == 0, i == len(groups) - 1) for i, g in enumerate(groups))
