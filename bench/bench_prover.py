"""Prover benchmark (issue 7): compiled vs pure backends, and zkob vs snarkjs on the same R1CS.

The command line; the code lives in bench/prover/ (common, components,
circuits, child, compare, report, cli).

    python bench/bench_prover.py components --sizes 12 14 16 18 --pure-max 13
    python bench/bench_prover.py compile
    python bench/bench_prover.py prove --sizes 12 14 16 18 --orderbook --work /tmp/zkbp [--baseline] [--orderbook-zkob-only]
    python bench/bench_prover.py prove --sizes --derivatives --work /tmp/zkbp   (protocol v2 at the defaults, 2^19)
    python bench/bench_prover.py tables results.jsonl ...   (markdown for bench/results/prover.md)
    python bench/bench_prover.py plot results.jsonl ... --out bench/prover.png

``components`` times MSM G1, MSM G2 and the NTT per size for the compiled
backend, the pure backend (up to --pure-max) and ffjavascript, the wasm
engine inside snarkjs (``multiExpAffine``, ``Fr.fft``), on random full-width
scalars. ``compile`` measures the cold numba compile in a fresh cache
directory, then the cache-load cost of a second process. ``prove`` builds
a chain circuit filling a 2^k domain, makes zkob keys (zkob setup on the
compiled backend, or the pure one with --pure-setup) and
snarkjs keys (``groth16 setup`` on a timing-only .ptau with known secrets,
DESIGN section 7: only the Lagrange sections the setup reads are filled,
as L_i(tau)*G), then times ``zkob`` proving (a child process: its wall
time, its prove() time split by backend call, peak RSS) against ``snarkjs
groth16 prove`` on the exported .r1cs/.wtns (wall time, peak RSS), and has
snarkjs verify both proofs. ``--orderbook`` adds the batch circuit at the
default parameters with one batch of the demo's order flow (and times its
witness generation). ``--derivatives`` adds the protocol-v2 batch circuit at
the default parameters (297,556 constraints, a 2^19 domain) with one batch
holding two dplaces next to two deposits. Results print as JSON lines and markdown rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, for the prover package

from prover.cli import main

if __name__ == "__main__":
    main()
