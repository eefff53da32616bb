"""``zkob anchor demo``: the on-chain path on a local EVM (deposit, prove, submit, withdraw)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..console import err, out


@click.group("anchor")
def command() -> None:
    """Anchor proofs on an EVM base layer (ZkobRollup; needs the test extra and node_oracle)."""


@command.command("demo")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the state, keys and proofs in this (new or empty) directory.")
@click.option("--keys", "keys_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Development keys already made for the demo's parameters (zkob setup on a state made with "
                   "--accounts-depth 3 --orders-depth 3 --assets-depth 2 --batch-size 4).")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True)
def demo(keep: Path | None, keys_dir: Path | None, backend: str) -> None:
    """Deploy the verifier and ZkobRollup on a local py-evm chain, deposit, prove two batches,
    submit them and claim the withdrawals; print the gas of every step."""
    from ...zk.errors import ZkobError

    try:
        from ..anchor_flow import ETH, run_walkthrough
    except ImportError as exc:
        raise ZkobError(f"{exc} (the on-chain walkthrough needs the test extra: pip install 'zkob[test]')") from None
    if keep is not None and keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise ZkobError(f"{keep} exists and is not an empty directory")

    def report(step: str) -> None:
        err.print(f"- {step}", markup=False)

    from ...anchor.solc import CompileError

    try:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            w = run_walkthrough(keep, report, backend, keys_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="zkob-anchor-") as tmp:
                w = run_walkthrough(Path(tmp), report, backend, keys_dir)
    except (CompileError, RuntimeError) as exc:  # the compiler's or the chain's, not zkob's: one line, exit 2
        raise ZkobError(str(exc)) from None
    out.print(f"rollup at 0x{w.rollup.address.hex()}: height {w.rollup.height}, root {w.rollup.root}", markup=False)
    for (user, asset), value in sorted(w.claimed.items()):
        unit = "wei" if asset == ETH else "token units"
        out.print(f"{user} claimed {value} {unit}", markup=False)
    for step, gas in w.gas.items():
        out.print(f"gas {step}: {gas:,}", markup=False)
    if keep is not None:
        out.print(f"kept everything in {keep}", markup=False)
