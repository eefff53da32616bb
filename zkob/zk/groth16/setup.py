"""Groth16 setup as a single-party development ceremony.

Symbols (paper -> code): tau, alpha, beta, gamma, delta -> ``tau``,
``alpha``, ``beta``, ``gamma``, ``delta`` (the toxic waste, drawn
independently from ``rng`` and dropped on return); u_i(tau), v_i(tau),
w_i(tau) -> ``cols.a[i]``, ``cols.b[i]``, ``cols.c[i]``; t(tau) = tau^n - 1
-> ``t``. Whoever ran this function knows the trapdoor and can forge
proofs: it is for development and tests only (DEV_CEREMONY_WARNING, which
the CLI prints). Cost: one fixed-base scalar multiplication per query
entry, about 3 n_wires + n G1 and n_wires G2 multiplications.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from ..backends import get_backend
from ..backends.base import Backend
from ..backends.pure import g1_fixed_base_many, g2_fixed_base_many
from ..curve import G1_GEN, G2_GEN
from ..errors import SetupRefused
from ..field import R
from ..qap import columns_at, domain_size
from ..r1cs import R1CS
from .data import VerifyingKey, vk_problem
from .keys import ProvingKey

DEV_CEREMONY_WARNING = (
    "DEVELOPMENT SETUP: these keys come from a one-party ceremony on this machine's "
    "OS randomness. Whoever ran it could have kept the trapdoor and could forge proofs. "
    "Do not use them in production; use a multi-party ceremony (e.g. snarkjs powers of tau "
    "and phase 2 contributions) instead."
)


class RandomSource(Protocol):
    def randrange(self, start: int, stop: int) -> int: ...


def _draw(rng: RandomSource) -> int:
    return rng.randrange(1, R)


def setup(r1cs: R1CS, rng: RandomSource | None = None, params: dict[str, Any] | None = None,
          backend: Backend | None = None) -> tuple[ProvingKey, VerifyingKey]:
    """Make a proving key and a verifying key for ``r1cs`` (development ceremony, see the warning).

    ``rng`` defaults to ``secrets.SystemRandom()``; tests may pass a seeded
    random.Random. ``backend`` computes the large queries (default:
    get_backend("auto") at call time, compiled where numba imports; the
    pure backend makes the same key for the same rng). Refuses (SetupRefused)
    a key that would admit forgeries (vk_problem); gamma == +-delta,
    delta = 1 or tau on the domain are redrawn, never used.
    """
    rng = rng or secrets.SystemRandom()
    n = domain_size(r1cs)
    while True:
        tau, alpha, beta, gamma, delta = (_draw(rng) for _ in range(5))
        if gamma != delta and (gamma + delta) % R != 0 and delta != 1 and pow(tau, n, R) != 1:
            break
    cols = columns_at(r1cs, tau, n)
    gamma_inv, delta_inv = pow(gamma, -1, R), pow(delta, -1, R)
    n_pub = r1cs.n_public
    combined = [(beta * a + alpha * b + c) % R for a, b, c in zip(cols.a, cols.b, cols.c)]
    ic_scalars = [v * gamma_inv % R for v in combined[:n_pub + 1]]
    c_scalars = [v * delta_inv % R for v in combined[n_pub + 1:]]
    t = (pow(tau, n, R) - 1) % R
    h_scalars, power = [], t * delta_inv % R
    for _ in range(n - 1):
        h_scalars.append(power)
        power = power * tau % R

    engine = backend or get_backend("auto")

    def g1_query(scalars: list[int]) -> bytes:
        return engine.g1_mul_many(G1_GEN, engine.fr_vec(scalars)) if scalars else b""

    singles = g1_fixed_base_many(G1_GEN, [alpha, beta, delta])
    g2_singles = g2_fixed_base_many(G2_GEN, [beta, gamma, delta])
    ic = g1_fixed_base_many(G1_GEN, ic_scalars)
    a_q, b1_q, c_q, h_q = (g1_query(v) for v in (cols.a, cols.b, c_scalars, h_scalars))
    b2_q = engine.g2_mul_many(G2_GEN, engine.fr_vec(cols.b)) if cols.b else b""
    vk = VerifyingKey(alpha1=singles[0], beta2=g2_singles[0], gamma2=g2_singles[1], delta2=g2_singles[2],
                      ic=tuple(ic))
    problem = vk_problem(vk)
    if problem:
        raise SetupRefused(problem)
    pk = ProvingKey(
        vk=vk, beta1=singles[1], delta1=singles[2], n_wires=r1cs.n_wires, n_public=n_pub,
        domain_size=n, digest=r1cs.digest(), a_query=a_q, b1_query=b1_q,
        b2_query=b2_q, c_query=c_q, h_query=h_q,
        params=dict(params or {}),
    )
    return pk, vk
