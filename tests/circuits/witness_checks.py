"""One check for the completeness properties: a trace's witness satisfies the circuit, and a flipped wire breaks it."""

from __future__ import annotations

from functools import lru_cache

from zkob.circuits.batch import build_circuit, witness_for
from zkob.state.params import Params
from zkob.state.trace import BatchTrace
from zkob.zk.field import R
from zkob.zk.r1cs import evaluate


@lru_cache(maxsize=2)
def _rows(params: Params) -> dict[int, list[int]]:
    """wire -> the constraints it appears in (one pass over the R1CS, kept per parameter set)."""
    rows: dict[int, list[int]] = {}
    for k, con in enumerate(build_circuit(params)[0].constraints):
        for wire in set(con.a) | set(con.b) | set(con.c):
            rows.setdefault(wire, []).append(k)
    return rows


def check_trace(params: Params, trace: BatchTrace, flip: int) -> None:
    """The witness satisfies the R1CS with the trace's publics; private wire number ``flip`` (mod their
    count) + 1 breaks a constraint. Only that wire's constraints are re-evaluated after the flip."""
    r1cs, layout = build_circuit(params)
    w = witness_for(params, trace)
    assert r1cs.first_failure(w) is None
    assert tuple(w[1:1 + layout.n_public]) == trace.public_inputs
    wire = 1 + layout.n_public + flip % (layout.n_wires - 1 - layout.n_public)
    w[wire] += 1
    broken = [k for k in _rows(params).get(wire, ())
              if evaluate(r1cs.constraints[k].a, w) * evaluate(r1cs.constraints[k].b, w) % R
              != evaluate(r1cs.constraints[k].c, w) % R]
    assert broken, f"{layout.names[wire]} changed and nothing failed"
