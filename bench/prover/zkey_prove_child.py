"""Child process of bench_zkey.py: prove with a .zkey from circuit.r1cs and witness.wtns, as a user would.

Reads the circuit, witness and key from files, binds the key to the circuit
(coefficient section checked), proves on the default backend and writes
zkob_proof.json and zkob_public.json for ``snarkjs groth16 verify``. Costs
the whole of a ``zkob prove --zkey`` minus the witness generation.

    python bench/prover/zkey_prove_child.py WORK_DIR KEY.zkey
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(work: Path, zkey_name: str) -> None:
    from zkob.zk.backends import get_backend
    from zkob.zk.formats.iden3 import r1cs_from_bytes, wtns_from_bytes
    from zkob.zk.formats.snarkjs_json import dumps, proof_to_json
    from zkob.zk.formats.zkey import read_zkey
    from zkob.zk.groth16.prepared import prepare
    from zkob.zk.groth16.prove import prove, public_inputs
    from zkob.zk.groth16.zkey_key import bind_zkey

    backend = get_backend("auto")
    r1cs = r1cs_from_bytes((work / "circuit.r1cs").read_bytes())
    witness = wtns_from_bytes((work / "witness.wtns").read_bytes())
    prep = prepare(r1cs, backend)
    pk = bind_zkey(read_zkey(work / zkey_name), prep)
    proof = prove(pk, prep, witness, random.SystemRandom(), backend=backend)
    (work / "zkob_proof.json").write_text(dumps(proof_to_json(proof)))
    (work / "zkob_public.json").write_text(dumps([str(v) for v in public_inputs(prep, witness)]))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
