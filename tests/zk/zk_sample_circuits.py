"""Small hand-built R1CS circuits with honest witnesses, shared by the Groth16 and format tests."""

from __future__ import annotations

import functools
import random

from zkob.zk.field import R
from zkob.zk.r1cs import R1CS, Constraint


def cubic(x: int = 3) -> tuple[R1CS, list[int]]:
    """x^3 + x + 5 = y with y public. Wires: 1 = y, 2 = x, 3 = x^2, 4 = x^3."""
    r1cs = R1CS(n_wires=5, n_public=1, constraints=[
        Constraint({2: 1}, {2: 1}, {3: 1}, "x_squared"),
        Constraint({3: 1}, {2: 1}, {4: 1}, "x_cubed"),
        Constraint({4: 1, 2: 1, 0: 5}, {0: 1}, {1: 1}, "sum_is_y"),
    ])
    x2 = x * x % R
    x3 = x2 * x % R
    return r1cs, [1, (x3 + x + 5) % R, x, x2, x3]


def mul_chain(length: int, start: int = 7) -> tuple[R1CS, list[int]]:
    """out = start^(2^length) by repeated squaring; out public, start private."""
    n_wires = 2 + 1 + length  # one, out, start, squares...
    constraints = []
    w = [1, 0, start % R]
    for i in range(length):
        src = 2 + i
        constraints.append(Constraint({src: 1}, {src: 1}, {src + 1: 1}, f"square[{i}]"))
        w.append(w[-1] * w[-1] % R)
    constraints.append(Constraint({2 + length: 1}, {0: 1}, {1: 1}, "out"))
    w[1] = w[-1]
    return R1CS(n_wires=n_wires, n_public=1, constraints=constraints), w


def several_public(a: int = 11, b: int = 13, c: int = 17) -> tuple[R1CS, list[int]]:
    """Public a, b, c and a*b + c; private t = a*b. Wires: 1 a, 2 b, 3 c, 4 out, 5 t.

    The last constraint, (a + b) * c = c0*a + c0*b with c0 the constant c,
    is satisfied only while the public c equals c0.
    """
    r1cs = R1CS(n_wires=6, n_public=4, constraints=[
        Constraint({1: 1}, {2: 1}, {5: 1}, "t_is_ab"),
        Constraint({5: 1, 3: 1}, {0: 1}, {4: 1}, "out_is_t_plus_c"),
        Constraint({1: 1, 2: 1}, {3: 1}, {1: c % R, 2: c % R}, "linear_mix"),
    ])
    return r1cs, [1, a % R, b % R, c % R, (a * b + c) % R, a * b % R]


def with_zero_public() -> tuple[R1CS, list[int]]:
    """cubic plus a second public wire forced to 0 (wire 2): public.json ends in "0".

    Dropping that trailing "0" leaves IC(x) unchanged, which is how snarkjs
    (it does not count public signals) accepts a short public.json.
    Wires: 1 = y, 2 = zero, 3 = x, 4 = x^2, 5 = x^3.
    """
    x = 3
    r1cs = R1CS(n_wires=6, n_public=2, constraints=[
        Constraint({3: 1}, {3: 1}, {4: 1}, "x_squared"),
        Constraint({4: 1}, {3: 1}, {5: 1}, "x_cubed"),
        Constraint({5: 1, 3: 1, 0: 5}, {0: 1}, {1: 1}, "sum_is_y"),
        Constraint({2: 1}, {0: 1}, {}, "zero_is_zero"),
    ])
    return r1cs, [1, x ** 3 + x + 5, 0, x, x * x, x ** 3]


@functools.lru_cache(maxsize=None)
def keys_and_proof(name: str):
    """(r1cs, witness, pk, vk, proof, public) for a named sample, made once per test session.

    Seeded randomness keeps failures reproducible; randomization itself is
    tested with fresh OS randomness elsewhere.
    """
    from zkob.zk.groth16.prove import prove, public_inputs
    from zkob.zk.groth16.setup import setup

    makers = {"cubic": cubic, "chain": lambda: mul_chain(6), "several": several_public,
              "zero_tail": with_zero_public}
    r1cs, w = makers[name]()
    pk, vk = setup(r1cs, random.Random(f"setup-{name}"))
    proof = prove(pk, r1cs, w, random.Random(f"prove-{name}"))
    return r1cs, w, pk, vk, proof, public_inputs(r1cs, w)
