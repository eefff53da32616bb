"""Reference points from py_ecc in the backend interface's affine form (shared by the compiled tests)."""

from __future__ import annotations

from py_ecc import optimized_bn128 as ob

from zkob.zk.field import Q


def g1(k: int):
    p = ob.normalize(ob.multiply(ob.G1, k))
    return None if ob.is_inf(ob.multiply(ob.G1, k)) else (int(p[0].n), int(p[1].n))


def g2(k: int):
    pt = ob.multiply(ob.G2, k)
    if ob.is_inf(pt):
        return None
    p = ob.normalize(pt)
    return (tuple(int(c) for c in p[0].coeffs), tuple(int(c) for c in p[1].coeffs))


def neg1(p):
    return None if p is None else (p[0], (-p[1]) % Q)


def neg2(p):
    return None if p is None else (p[0], tuple((-c) % Q for c in p[1]))


def _to_ob(p, group):
    if p is None:
        return ob.Z1 if group == 1 else ob.Z2
    if group == 1:
        return (ob.FQ(p[0]), ob.FQ(p[1]), ob.FQ.one())
    return (ob.FQ2(list(p[0])), ob.FQ2(list(p[1])), ob.FQ2.one())


def _from_ob(pt, group):
    if ob.is_inf(pt):
        return None
    p = ob.normalize(pt)
    if group == 1:
        return (int(p[0].n), int(p[1].n))
    return (tuple(int(c) for c in p[0].coeffs), tuple(int(c) for c in p[1].coeffs))


def add(p, q, group):
    return _from_ob(ob.add(_to_ob(p, group), _to_ob(q, group)), group)


def naive_msm(points, scalars, group):
    """sum s_i P_i with py_ecc's double-and-add (the independent reference)."""
    acc = ob.Z1 if group == 1 else ob.Z2
    for p, s in zip(points, scalars):
        if p is not None and s:
            acc = ob.add(acc, ob.multiply(_to_ob(p, group), s))
    return _from_ob(acc, group)
