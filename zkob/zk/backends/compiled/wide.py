"""64x64 -> 128-bit primitives for numba, emitted as LLVM i128 arithmetic.

numba has no uint128 type, but LLVM does: these intrinsics zero-extend to
i128, compute, and return the (high, low) 64-bit halves. On x86-64 ``mac``
becomes one ``mul`` plus add-with-carry instructions, which is why the
field code uses 4 x 64-bit limbs (32 wide products per Montgomery
multiplication instead of 128 narrow ones with 8 x 32-bit limbs; measured
about 2x faster, bench/results/prover.md).
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_PAIR = types.UniTuple(types.uint64, 2)


def _pair(context, builder, signature, value):
    i128 = ir.IntType(128)
    lo = builder.trunc(value, ir.IntType(64))
    hi = builder.trunc(builder.lshr(value, ir.Constant(i128, 64)), ir.IntType(64))
    return context.make_tuple(builder, signature.return_type, (hi, lo))


@intrinsic
def mac(typingctx, t, a, b, c):
    """(hi, lo) of t + a*b + c; never overflows 128 bits."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        t_, a_, b_, c_ = (builder.zext(x, i128) for x in args)
        return _pair(context, builder, signature, builder.add(builder.add(builder.mul(a_, b_), t_), c_))

    return sig, codegen


@intrinsic
def adc(typingctx, a, b, c):
    """(carry, sum) of a + b + c."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        a_, b_, c_ = (builder.zext(x, i128) for x in args)
        return _pair(context, builder, signature, builder.add(builder.add(a_, b_), c_))

    return sig, codegen


@intrinsic
def sbb(typingctx, a, b, borrow):
    """(borrow_out, difference) of a - b - borrow (borrow in {0, 1})."""
    sig = _PAIR(types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        a_, b_, c_ = (builder.zext(x, i128) for x in args)
        diff = builder.sub(builder.sub(a_, b_), c_)
        lo = builder.trunc(diff, ir.IntType(64))
        out = builder.trunc(builder.lshr(diff, ir.Constant(i128, 127)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, (out, lo))

    return sig, codegen


@intrinsic
def mul_lo(typingctx, a, b):
    """a*b mod 2^64."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        return builder.mul(args[0], args[1])

    return sig, codegen
