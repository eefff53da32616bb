"""``zkob setup DIR --ptau P.ptau [--zkey FINAL.zkey] -o KEYS``: snarkjs-format keys from a public Powers of Tau.

Without --zkey: zkey new and one contribution from this machine (a quick
start). With --zkey: a ceremony's final key, installed only after its whole
phase 2 verifies against DIR's circuit and the ptau (exit 1 otherwise).
Kept apart from setup.py (the development ceremony) so each path reads on
its own; setup.py calls ``setup_from_ptau`` when --ptau is given.
"""

from __future__ import annotations

from pathlib import Path

from ..console import Phases, out, warn

PHASE2_WARNING = (
    "these keys have ONE phase-2 contribution (this machine's). Phase 1 comes from the public ptau, but "
    "whoever knows this contribution's secret can forge proofs until others contribute: for production run "
    "a multi-party phase 2 (zkob zkey contribute / snarkjs zkey contribute) and install its final key with "
    "`zkob setup DIR --ptau PTAU --zkey FINAL.zkey -o KEYS`, which verifies it first (README); {zkey} is a "
    "quick start."
)


def setup_from_ptau(directory: Path, keys_dir: Path, ptau: Path, name: str, force: bool, backend: str,
                    quiet: bool, final: Path | None = None) -> None:
    from ...pipeline.keyfiles import VK_FILE
    from ...pipeline.zkeyfiles import BINDING_FILE, ZKEY_FILE, make_zkey_keys
    from ...state.store import read_params
    from ...zk.errors import Refused, ZkobError
    from .zkey import format_cs_hash

    params = read_params(directory)
    existing = [n for n in (ZKEY_FILE, VK_FILE, BINDING_FILE) if (keys_dir / n).exists()]
    if existing and not force:
        raise ZkobError(f"{keys_dir / existing[0]} already exists (use --force to replace the keys)")
    with Phases(quiet) as report:
        key, verdict = make_zkey_keys(params, keys_dir, ptau, name, report, backend, final)
    if verdict is not None and not verdict.ok:
        raise Refused(f"{final}: INVALID: {verdict.reason} (nothing installed)")
    if final is None:
        warn(PHASE2_WARNING.format(zkey=keys_dir / ZKEY_FILE))
    out.print(str(keys_dir / VK_FILE), markup=False)
    out.print(str(keys_dir / ZKEY_FILE), markup=False)
    if not quiet:
        out.print(format_cs_hash(key.cs_hash), markup=False)
