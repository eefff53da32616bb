"""Field-generic names (fmul, fadd, ...) that numba resolves by argument type.

An Fq element is a tuple of 4 uint64 limbs; an Fq2 element a pair of them.
Code written against these names (curve.py, msm.py) compiles once for G1
and once for G2 with no runtime dispatch: the choice is made at typing time.
Only the base field Fq and Fq2 are covered (Fr and Fq share a limb type, so
Fr code calls the fr_* functions directly).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from . import _arith as fq
from . import fq2


def _is_fq(t) -> bool:
    return isinstance(t, types.UniTuple) and isinstance(t.dtype, types.Integer)


def _is_fq2(t) -> bool:
    return isinstance(t, types.UniTuple) and t.count == 2 and _is_fq(t.dtype)


def _dispatch(name: str, fq_impl, f2_impl, arity: int):
    """Declare a Python stub ``name`` whose numba overload picks by the first argument's type."""

    def stub(*args):  # pragma: no cover - only ever called from compiled code
        raise NotImplementedError(f"{name} runs inside numba-compiled code only")

    stub.__name__ = name

    if arity == 1:
        def typer(a):
            if _is_fq2(a):
                return lambda a: f2_impl(a)
            if _is_fq(a):
                return lambda a: fq_impl(a)
            return None
    else:
        def typer(a, b):
            if _is_fq2(a):
                return lambda a, b: f2_impl(a, b)
            if _is_fq(a):
                return lambda a, b: fq_impl(a, b)
            return None

    overload(stub)(typer)
    return stub


fmul = _dispatch("fmul", fq.fq_mul, fq2.f2_mul, 2)
fadd = _dispatch("fadd", fq.fq_add, fq2.f2_add, 2)
fsub = _dispatch("fsub", fq.fq_sub, fq2.f2_sub, 2)
feq = _dispatch("feq", fq.fq_eq, fq2.f2_eq, 2)
fsqr = _dispatch("fsqr", fq.fq_sqr, fq2.f2_sqr, 1)
fdbl = _dispatch("fdbl", fq.fq_dbl, fq2.f2_dbl, 1)
fneg = _dispatch("fneg", fq.fq_neg, fq2.f2_neg, 1)
finv = _dispatch("finv", fq.fq_inv, fq2.f2_inv, 1)
fis_zero = _dispatch("fis_zero", fq.fq_is_zero, fq2.f2_is_zero, 1)

_Z = np.uint64(0)
_FQ_ZERO = (_Z, _Z, _Z, _Z)
_FQ_ONE = fq.fq_ONE


def fzero(like):  # pragma: no cover - compiled only
    raise NotImplementedError


def fone(like):  # pragma: no cover - compiled only
    raise NotImplementedError


@overload(fzero)
def _fzero(like):
    if _is_fq2(like):
        return lambda like: (_FQ_ZERO, _FQ_ZERO)
    if _is_fq(like):
        return lambda like: _FQ_ZERO
    return None


@overload(fone)
def _fone(like):
    if _is_fq2(like):
        return lambda like: (_FQ_ONE, _FQ_ZERO)
    if _is_fq(like):
        return lambda like: _FQ_ONE
    return None
