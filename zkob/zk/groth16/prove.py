"""Groth16 prover.

Symbols (paper -> code): witness a_0..a_m -> ``w`` (w_0 = 1); r, s -> ``r``,
``s`` (fresh per proof, so two proofs of one statement differ and reveal
nothing beyond it); h(X) -> ``h``; the proof

    A = alpha + sum w_i u_i(tau) + r delta                       (G1)
    B = beta  + sum w_i v_i(tau) + s delta                       (G2; also in G1 as B1)
    C = sum_{private} w_i (beta u_i + alpha v_i + w_i)/delta
        + sum h_j tau^j t(tau)/delta + s A + r B1 - r s delta    (G1)

Cost: 7 NTTs of the domain size, G1 MSMs of n_wires (A, B1), private wires
(C) and domain size - 1 (H), one G2 MSM of n_wires, all on the backend;
the R1CS products and the satisfaction check run on the backend when it
offers a sparse form (prepared.py), else in Python (one pass over the
non-zero entries).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from ..backends import get_backend
from ..backends.base import Backend, G1Table, G2Table
from ..backends.pure import PureBackend
from ..curve import g1_neg
from ..errors import InternalError, MalformedInput
from ..field import R
from ..qap import h_from_rows, odd_values_from_rows
from ..r1cs import R1CS
from .data import Proof
from .keys import ProvingKey, g1_points, g2_points
from .prepared import PreparedR1CS, prepare, satisfied_rows
from .setup import RandomSource
from .zkey_key import ZkeyProvingKey

AnyProvingKey = ProvingKey | ZkeyProvingKey

_SMALL = PureBackend()  # stateless; used for the handful of fixed points


def _table_g1(backend: Backend, raw: bytes | memoryview, what: str, checked: bool, lem: bool = False) -> G1Table:
    """A query's table: straight from its bytes when its points are checked (by the key loader or by
    the backend, ``checks_points``), else through keys.g1_points, which checks them. A .zkey's points
    (``lem``, zkey_key.py) go through the backend's LEM loader, which always checks them."""
    if lem:
        return backend.g1_table_lem(raw, f"zkey.{what}")
    if checked:
        return backend.g1_table_bytes(bytes(raw), f"proving_key.{what}")
    return backend.g1_table(g1_points(bytes(raw), f"proving_key.{what}"))


def _table_g2(backend: Backend, raw: bytes | memoryview, what: str, checked: bool, lem: bool = False) -> G2Table:
    if lem:
        return backend.g2_table_lem(raw, f"zkey.{what}")
    if checked:
        return backend.g2_table_bytes(bytes(raw), f"proving_key.{what}")
    return backend.g2_table(g2_points(bytes(raw), f"proving_key.{what}"))


def _check_key(pk: AnyProvingKey, prep: PreparedR1CS) -> None:
    if pk.digest != prep.digest:
        raise MalformedInput("proving_key.digest",
                             f"key was made for circuit {pk.digest[:16]}..., this circuit is {prep.digest[:16]}...")
    if (pk.n_wires, pk.n_public) != (prep.r1cs.n_wires, prep.r1cs.n_public):
        raise MalformedInput("proving_key.counts", "wire counts differ from the circuit")


def prove(pk: AnyProvingKey, r1cs: R1CS | PreparedR1CS, witness: Sequence[int], rng: RandomSource | None = None,
          backend: Backend | None = None) -> Proof:
    """Make a Groth16 proof that ``witness`` satisfies ``r1cs`` (public inputs = witness[1..n_public]).

    Raises MalformedInput on a key/circuit mismatch and Unsatisfied (naming
    the first failing constraint) on a bad witness, before any curve work.
    ``rng`` (default secrets.SystemRandom()) draws r and s. ``backend``
    defaults to the prepared circuit's backend, else get_backend("auto"),
    chosen at call time (compiled where numba imports), so importing this
    module never imports numba; the pure backend gives identical proofs for
    the same r, s. ``r1cs`` may be a PreparedR1CS (prepared.prepare): a
    caller proving many witnesses of one circuit prepares it once; a plain
    R1CS is prepared for this call only. ``pk`` may also be a snarkjs
    .zkey bound to the circuit (zkey_key.bind_zkey): its H query lives on
    the odd points of the 2n-point domain (qap.odd_values_from_rows).
    """
    if backend is None:
        backend = r1cs.backend if isinstance(r1cs, PreparedR1CS) else get_backend("auto")
    prep = prepare(r1cs, backend)
    _check_key(pk, prep)
    n = pk.domain_size
    w_all, a_rows, b_rows, c_rows = satisfied_rows(prep, witness, n)
    rng = rng or secrets.SystemRandom()
    r, s = rng.randrange(0, R), rng.randrange(0, R)
    lem = isinstance(pk, ZkeyProvingKey)
    if lem:
        h = odd_values_from_rows(backend, a_rows, b_rows, c_rows)  # n values, one per H point
    else:
        h = h_from_rows(backend, a_rows, b_rows, c_rows)  # stays an engine vector; FrVecs slice
        if backend.fr_list(h[n - 1:]) != [0]:
            raise InternalError("the quotient polynomial has full degree although the witness satisfies")
        h = h[:n - 1]
    w_priv = w_all[pk.n_public + 1:]
    ok = lem or pk.points_checked or backend.checks_points  # type: ignore[union-attr]
    a_sum = backend.msm_g1(_table_g1(backend, pk.a_query, "A", ok, lem), w_all)
    b1_sum = backend.msm_g1(_table_g1(backend, pk.b1_query, "B1", ok, lem), w_all)
    b2_sum = backend.msm_g2(_table_g2(backend, pk.b2_query, "B2", ok, lem), w_all)
    c_sum = backend.msm_g1(_table_g1(backend, pk.c_query, "C", ok, lem), w_priv)
    h_sum = backend.msm_g1(_table_g1(backend, pk.h_query, "H", ok, lem), h)

    vk = pk.vk
    a = _SMALL.msm_g1([vk.alpha1, a_sum, pk.delta1], [1, 1, r])
    b = _SMALL.msm_g2([vk.beta2, b2_sum, vk.delta2], [1, 1, s])
    b1 = _SMALL.msm_g1([pk.beta1, b1_sum, pk.delta1], [1, 1, s])
    c = _SMALL.msm_g1([c_sum, h_sum, a, b1, g1_neg(pk.delta1)], [1, 1, s, r, r * s % R])
    if a is None or b is None or c is None:  # probability ~ 1/r; a retry draws fresh r, s
        return prove(pk, prep, witness, rng, backend)
    return Proof(a=a, b=b, c=c)


def public_inputs(r1cs: R1CS | PreparedR1CS, witness: Sequence[int]) -> list[int]:
    """The statement's public inputs: wires 1..n_public (public.json)."""
    return [int(v) % R for v in witness[1:r1cs.n_public + 1]]
