"""Baby Jubjub: the published constants hang together, the group law behaves."""

from __future__ import annotations

import pytest

from zkob.zk import babyjub as bj
from zkob.zk.field import R

# Low-order points: (0, -1) has order 2; (+-sqrt(1/a), 0) have order 4.
ORDER2 = (0, R - 1)


def _order4() -> bj.Point:
    x = bj.mul(bj.GENERATOR, bj.L * 2)  # generator has order 8l, so this has order 4
    return x


def test_published_points_are_consistent():
    assert bj.on_curve(bj.GENERATOR) and bj.on_curve(bj.B8)
    assert bj.mul(bj.GENERATOR, 8) == bj.B8
    assert bj.mul(bj.B8, bj.L) == bj.IDENTITY
    assert bj.mul(bj.GENERATOR, bj.ORDER) == bj.IDENTITY
    assert bj.mul(bj.GENERATOR, bj.L) != bj.IDENTITY  # the generator is not in the subgroup
    assert bj.L == 2736030358979909402780800718157159386076813972158567259200215660948447373041


def test_l_is_prime():
    # Miller-Rabin with fixed bases; a composite l would make the subgroup check meaningless.
    n, d, s = bj.L, bj.L - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            pytest.fail(f"l is composite (witness {a})")


def test_group_law():
    p, q = bj.mul(bj.B8, 12345), bj.mul(bj.B8, 67890)
    assert bj.add(p, q) == bj.add(q, p) == bj.mul(bj.B8, 12345 + 67890)
    assert bj.add(p, bj.IDENTITY) == p
    assert bj.add(p, bj.neg(p)) == bj.IDENTITY
    assert bj.add(p, p) == bj.mul(p, 2)
    assert bj.mul(p, 0) == bj.IDENTITY
    assert bj.mul(bj.B8, bj.L + 5) == bj.mul(bj.B8, 5)
    assert bj.on_curve(bj.add(p, q))
    with pytest.raises(ValueError):
        bj.mul(p, -1)


def test_on_curve_rejects():
    x, y = bj.B8
    assert not bj.on_curve((x, (y + 1) % R))
    assert not bj.on_curve((x + R, y))  # not reduced
    assert not bj.on_curve((True, 1))
    assert not bj.on_curve([x, y])  # a list is not a point
    assert not bj.on_curve((x, y, 1))


def test_subgroup_membership():
    assert bj.in_subgroup(bj.B8)
    assert bj.in_subgroup(bj.IDENTITY)
    assert not bj.in_subgroup(bj.GENERATOR)
    assert bj.on_curve(ORDER2) and not bj.in_subgroup(ORDER2)
    t4 = _order4()
    assert bj.on_curve(t4) and t4[1] == 0 and not bj.in_subgroup(t4)
    mixed = bj.add(bj.B8, ORDER2)  # a subgroup point plus torsion
    assert bj.on_curve(mixed) and not bj.in_subgroup(mixed)


def test_public_key_problem():
    assert bj.public_key_problem(bj.mul(bj.B8, 99)) is None
    assert "identity" in bj.public_key_problem(bj.IDENTITY)
    assert "subgroup" in bj.public_key_problem(ORDER2)
    assert "subgroup" in bj.public_key_problem(bj.add(bj.B8, ORDER2))
    assert "not on" in bj.public_key_problem((1, 2))
    assert "pair" in bj.public_key_problem("B8")
    assert "pair" in bj.public_key_problem((bj.B8[0], R))
