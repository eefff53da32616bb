"""``zkob verify VERIFICATION_KEY PUBLIC PROOF``: check a Groth16 proof (snarkjs's argument order).

Exit 0 and "valid" when the proof verifies; exit 1 and the reason when it
does not; exit 2 and one line when a file is unreadable or malformed
(including an unsafe key). By default it uses the light-client verifier
(py_ecc, about 0.6 s); ``--fast`` runs the same checks with the compiled
pairing (about 10 ms once the kernels are compiled; the first run on a
machine compiles them, about 15 s).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out


def _read(path: str, what: str) -> bytes:
    from ...zk.errors import ZkobError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ZkobError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


@click.command("verify")
@click.argument("verification_key", default="verification_key.json", required=False)
@click.argument("public", default="public.json", required=False)
@click.argument("proof", default="proof.json", required=False)
@click.option("--fast", is_flag=True, help="Compiled pairing (numba) instead of py_ecc; same checks and verdicts.")
def command(verification_key: str, public: str, proof: str, fast: bool) -> None:
    """Verify PROOF of PUBLIC under VERIFICATION_KEY (snarkjs JSON, Groth16 on bn128)."""
    from ...zk.errors import Refused, ZkError, ZkobError
    from ...zk.verifier import parse_all, verify

    texts = [_read(verification_key, "verification key"), _read(public, "public inputs"), _read(proof, "proof")]
    try:
        vk, inputs, parsed = parse_all(*texts)
    except ZkError as exc:
        raise ZkobError(f"malformed input: {exc}") from None
    if fast:
        from ...zk import fast_verify

        verdict = fast_verify.verify_prepared(fast_verify.prepare(vk), inputs, parsed)
    else:
        verdict = verify(vk, inputs, parsed)
    if not verdict.ok:
        raise Refused(f"invalid proof: {verdict.reason}")
    out.print("valid", markup=False)
