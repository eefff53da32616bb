"""EdDSA-Poseidon verification as constraints, matching ``zkob.zk.eddsa.verify_poseidon``.

``assert_eddsa_poseidon(cs, msg, A, R8, S)`` is satisfiable exactly when
the native verifier accepts: the equation circomlib's EdDSAPoseidonVerifier
enforces, S*B8 == R8 + h*(8A) with h = H(R8.x, R8.y, A.x, A.y, msg), plus
the checks circomlib leaves out and zkob's native verifier has:

    A/on_curve, R8/on_curve   both points on Baby Jubjub (circomlib omits these)
    A/subgroup                A = 8*P for a witness point P: the multiples of 8
                              are exactly the prime-order subgroup (the group is
                              cyclic of order 8l), so torsion keys fail
    A/nonzero                 A.x != 0: in the subgroup only the identity has x = 0
    S/bits, S/le_const        S < 2^251 and S <= l - 1 (so S + l is refused)
    h/bits                    canonical 254-bit decomposition of h (bits of h + r fail)
    check/x, check/y          left == right

With ``enabled`` (a boolean the caller constrains) the gadget can sit in
every slot: when it is 0, A, R8 and S are replaced by B8, the identity and
0 (so any junk in an unsigned slot satisfies the curve checks) and the
final equality is not enforced. When it is 1 nothing changes.

Cost: 5,001 constraints (5,006 with ``enabled``): variable-base h*(8A)
2,789 (2-bit windows) and the three doublings of A 15, fixed-base S*B8 831
(3-bit windows), Poseidon(5) 321, h bits 508 (255 + canonicity 253), S bits
and range 502, A checks 24 (curve 3, subgroup 20, nonzero 1), R8 on curve
3, final add 6, check 2. circomlib's verifier uses Montgomery-form ladders
for fewer; the complete Edwards law here has no exceptional cases to argue.
"""

from __future__ import annotations

from ...zk import babyjub as bj
from ...zk.field import R
from ..cs import LC, ConstraintSystem, Operand, as_lc
from .babyjub import PointLC, add, assert_on_curve, double, mul_fixed, mul_var
from .bits import assert_bits_le_const, to_bits
from .compare import assert_equal, assert_equal_if
from .poseidon import poseidon

S_BITS = bj.L.bit_length()  # 251: l < 2^251
INV8 = pow(8, -1, bj.L)
COST = 5001
COST_ENABLED = 5006


def _gate_point(cs: ConstraintSystem, enabled: LC, p: PointLC, default: bj.Point, name: str) -> PointLC:
    """enabled ? p : default (constant). Costs 2 constraints."""
    return (cs.mul(enabled, p[0] - default[0], f"{name}_x") + default[0],
            cs.mul(enabled, p[1] - default[1], f"{name}_y") + default[1])


def assert_in_subgroup(cs: ConstraintSystem, p: PointLC) -> None:
    """p (already on the curve) lies in the prime-order subgroup. Costs 20 constraints.

    Witness q = p / 8 (8^-1 mod l times p), check q on the curve and 8q == p.
    Every 8q is in the subgroup; every subgroup point is some 8q.
    """
    def witness_q() -> bj.Point:
        point = (cs.value(p[0]), cs.value(p[1]))
        return bj.mul(point, INV8) if bj.on_curve(point) else bj.IDENTITY

    with cs.namespace("subgroup"):
        qx = cs.alloc("q_x", lambda: witness_q()[0])
        qy = cs.alloc("q_y", lambda: witness_q()[1])
        with cs.namespace("q"):
            assert_on_curve(cs, (qx, qy))
        q8: PointLC = (qx, qy)
        for i in range(3):
            with cs.namespace(f"dbl[{i}]"):
                q8 = double(cs, q8)
        assert_equal(cs, q8[0], p[0], "x")
        assert_equal(cs, q8[1], p[1], "y")


def assert_public_key(cs: ConstraintSystem, a: tuple[Operand, Operand]) -> None:
    """A usable public key (docs/protocol.md section 4): on the curve, in the subgroup, not the identity.

    Labels ``on_curve``, ``subgroup``, ``nonzero``. Costs 24 constraints.
    Matches ``zkob.zk.babyjub.public_key_problem(a) is None``. For a slot
    where the check must not apply, pass a point selected with the
    condition (e.g. ``B8`` when off), as ``assert_eddsa_poseidon`` does.
    """
    p: PointLC = (as_lc(a[0]), as_lc(a[1]))
    assert_on_curve(cs, p)
    assert_in_subgroup(cs, p)
    inv = cs.alloc("x_inv", lambda: pow(cs.value(p[0]), -1, R) if cs.value(p[0]) else 0)
    cs.enforce(p[0], inv, 1, "nonzero")


def assert_eddsa_poseidon(cs: ConstraintSystem, msg: Operand, a: tuple[Operand, Operand],
                          r8: tuple[Operand, Operand], s: Operand,
                          enabled: Operand | None = None, name: str = "eddsa") -> None:
    """Assert that (R8, S) is a valid EdDSA-Poseidon signature of msg by key A.

    Costs COST constraints, COST_ENABLED with ``enabled`` (see the module docstring).
    """
    a_pt: PointLC = (as_lc(a[0]), as_lc(a[1]))
    r_pt: PointLC = (as_lc(r8[0]), as_lc(r8[1]))
    s_lc = as_lc(s)
    with cs.namespace(name, kind="eddsa"):
        if enabled is not None:
            on = as_lc(enabled)
            with cs.namespace("gate"):
                a_pt = _gate_point(cs, on, a_pt, bj.B8, "A")
                r_pt = _gate_point(cs, on, r_pt, bj.IDENTITY, "R8")
                s_lc = cs.mul(on, s_lc, "S")
        with cs.namespace("A"):
            assert_public_key(cs, a_pt)
        with cs.namespace("R8"):
            assert_on_curve(cs, r_pt)
        with cs.namespace("S"):
            s_bits = to_bits(cs, s_lc, S_BITS, "bits")
            assert_bits_le_const(cs, s_bits, bj.L - 1, "le_const")
        with cs.namespace("h"):
            h = poseidon(cs, [r_pt[0], r_pt[1], a_pt[0], a_pt[1], msg], "poseidon")
            h_bits = to_bits(cs, h, R.bit_length(), "bits")
        with cs.namespace("left"):
            left = mul_fixed(cs, s_bits, bj.B8)
        with cs.namespace("right"):
            a8 = a_pt
            for i in range(3):
                with cs.namespace(f"dbl[{i}]"):
                    a8 = double(cs, a8)
            with cs.namespace("mul"):
                ha = mul_var(cs, h_bits, a8)
            with cs.namespace("add"):
                right = add(cs, r_pt, ha)
        with cs.namespace("check"):
            if enabled is None:
                assert_equal(cs, left[0], right[0], "x")
                assert_equal(cs, left[1], right[1], "y")
            else:
                assert_equal_if(cs, enabled, left[0], right[0], "x")
                assert_equal_if(cs, enabled, left[1], right[1], "y")
