"""Command line of the prover benchmark (the commands bench/bench_prover.py documents)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .child import zkob_prove_child
from .common import ROOT
from .compare import prove_bench
from .components import compile_times, components
from .report import plot, tables


def main() -> None:
    ap = argparse.ArgumentParser(description="Prover benchmark (issue 7): compiled vs pure backends, and zkob vs snarkjs on the same R1CS.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("components")
    c.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16, 18])
    c.add_argument("--pure-max", type=int, default=13)
    sub.add_parser("compile")
    p = sub.add_parser("prove")
    p.add_argument("--sizes", type=int, nargs="*", default=[12, 14, 16])
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "zkob_bench_prover")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--pure-setup", action="store_true", help="run zkob setup on the pure backend")
    p.add_argument("--orderbook", action="store_true", help="also the order-book circuit at the default Params")
    p.add_argument("--orderbook-zkob-only", action="store_true",
                   help="no snarkjs for the order-book circuit (its snarkjs setup takes ~17 min)")
    p.add_argument("--derivatives", action="store_true",
                   help="also the protocol-v2 batch circuit at the default Params (2^19; snarkjs setup ~1 h)")
    p.add_argument("--baseline", action="store_true",
                   help="also time the pre-change prover (strict key load, Python R1CS products) each rep")
    tb = sub.add_parser("tables")
    tb.add_argument("jsonl", type=Path, nargs="+")
    pl = sub.add_parser("plot")
    pl.add_argument("jsonl", type=Path, nargs="+")
    pl.add_argument("--out", type=Path, default=ROOT / "bench" / "prover.png")
    ch = sub.add_parser("_zkob_child")
    ch.add_argument("work", type=Path)
    ch.add_argument("--baseline", action="store_true")
    args = ap.parse_args()
    if args.cmd == "components":
        components(args.sizes, args.pure_max)
    elif args.cmd == "compile":
        compile_times()
    elif args.cmd == "prove":
        prove_bench(args.sizes, args.work, args.reps, not args.pure_setup, args.orderbook, args.baseline,
                    args.orderbook_zkob_only, args.derivatives)
    elif args.cmd == "tables":
        tables(args.jsonl)
    elif args.cmd == "plot":
        plot(args.jsonl, args.out)
    else:
        zkob_prove_child(args.work, args.baseline)
