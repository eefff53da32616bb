"""``zkob zkey new|contribute|beacon|verify|export``: snarkjs Groth16 keys and their phase-2 ceremony.

Same verbs and file formats as snarkjs (``groth16 setup``, ``zkey
contribute``, ``zkey beacon``, ``zkey verify``, ``zkey export
verificationkey``), so a ceremony can pass a key between zkob and snarkjs
at every step. Results on stdout; a bad file exits 2 naming the section or
contribution, a key that fails verification exits 1 (cli/main.py's error
boundary turns the errors raised here into one line); nothing is written
unless the whole step succeeded (files appear atomically).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..console import Phases, out

BACKEND = click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto",
                       show_default=True, help="Curve arithmetic: numba kernels or the pure-Python reference.")
QUIET = click.option("--quiet", is_flag=True, help="No progress output on stderr (results still go to stdout).")


def format_cs_hash(digest: bytes) -> str:
    from ...zk.groth16.phase2 import format_hash

    return "Circuit hash:\n" + format_hash(digest)


def _circuit(path: Path) -> Any:
    """The R1CS of a state directory (as `zkob export r1cs` writes it) or of a .r1cs file, in file order."""
    if path.is_dir():
        from ...circuits.batch import build_circuit
        from ...state.store import read_params
        from ...zk.groth16.zkey_columns import file_order

        r1cs, _ = build_circuit(read_params(path))
        return file_order(r1cs)
    from ...zk.errors import MalformedInput
    from ...zk.formats.iden3 import r1cs_from_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read: {exc.strerror}") from None
    return r1cs_from_bytes(data)


@click.group("zkey")
def command() -> None:
    """snarkjs Groth16 keys (.zkey): make one from a Powers of Tau, run phase 2, verify, export."""


@command.command("new")
@click.argument("circuit", metavar="CIRCUIT_DIR_OR_R1CS", type=click.Path(exists=True, path_type=Path))
@click.argument("ptau", metavar="PTAU", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("circuit_0000.zkey"), show_default=True, help="The initial key to write.")
@BACKEND
@QUIET
def zkey_new(circuit: Path, ptau: Path, out_file: Path, backend: str, quiet: bool) -> None:
    """The initial key of a state directory's circuit (or a .r1cs), as `snarkjs groth16 setup` makes it.

    The file is byte-identical to snarkjs's for the same .r1cs (for a state
    directory: `zkob export r1cs DIR C.r1cs`) and ptau. It has no phase-2
    contribution yet: anyone could forge proofs with it until someone runs
    `zkob zkey contribute`.
    """
    from ...zk.backends import get_backend
    from ...zk.files import write_atomic
    from ...zk.formats.ptau import read_ptau
    from ...zk.groth16.zkey_new import new_zkey_bytes

    with Phases(quiet) as report:
        report("reading the ptau and the circuit")
        pt = read_ptau(ptau)
        r1cs = _circuit(circuit)
        report(f"computing the key ({r1cs.n_constraints:,} constraints, {r1cs.n_wires:,} wires)")
        data, cs_hash = new_zkey_bytes(r1cs, pt, get_backend(backend))
        report(f"writing {out_file}")
        write_atomic(out_file, data)
    out.print(f"{out_file}: {r1cs.n_constraints} constraints, {r1cs.n_wires} wires, ptau power {pt.power}",
              markup=False)
    out.print(format_cs_hash(cs_hash), markup=False)


def _read(path: Path) -> Any:
    from ...zk.formats.zkey import read_zkey

    return read_zkey(path)


def _write_contribution(key: Any, out_file: Path, digest: bytes, what: str) -> None:
    from ...zk.files import write_atomic
    from ...zk.formats.zkey import zkey_bytes
    from ...zk.groth16.phase2 import format_hash

    write_atomic(out_file, zkey_bytes(key))
    out.print(f"{out_file}: {what} #{len(key.contributions)}", markup=False)
    out.print("Contribution hash:\n" + format_hash(digest), markup=False)


@command.command("contribute")
@click.argument("in_file", metavar="IN.zkey", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out_file", metavar="OUT.zkey", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default="", help="Your name or handle, recorded in the key (first 64 characters).")
@BACKEND
@QUIET
def zkey_contribute(in_file: Path, out_file: Path, name: str, backend: str, quiet: bool) -> None:
    """Add a phase-2 contribution with a secret from the OS's randomness (never stored).

    Publish the contribution hash it prints; `zkob zkey verify` and `snarkjs
    zkey verify` list it for everyone to compare.
    """
    from ...zk.backends import get_backend
    from ...zk.groth16.phase2 import contribute

    with Phases(quiet) as report:
        report(f"reading {in_file}")
        key = _read(in_file)
        report("contributing (delta, C and H scaled by the new secret)")
        key, digest = contribute(key, name, get_backend(backend))
        report(f"writing {out_file}")
        _write_contribution(key, out_file, digest, "contribution")


@command.command("beacon")
@click.argument("in_file", metavar="IN.zkey", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out_file", metavar="OUT.zkey", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("beacon_hex", metavar="BEACON_HEX")
@click.argument("iterations", metavar="ITERATIONS", type=int)
@click.option("--name", default="", help="A name for the beacon contribution.")
@BACKEND
@QUIET
def zkey_beacon(in_file: Path, out_file: Path, beacon_hex: str, iterations: int, name: str, backend: str,
                quiet: bool) -> None:
    """A final contribution from public randomness: BEACON_HEX hashed 2^ITERATIONS times with SHA-256.

    Anyone can recompute it (snarkjs's `zkey beacon`), so it seals the
    ceremony without trusting the last contributor. ITERATIONS is 10..63.
    """
    from ...zk.backends import get_backend
    from ...zk.errors import MalformedInput
    from ...zk.groth16.phase2 import beacon

    text = beacon_hex[2:] if beacon_hex.startswith("0x") else beacon_hex
    if len(text) % 2:
        raise MalformedInput("BEACON_HEX", "an odd number of hex digits")
    try:
        beacon_hash = bytes.fromhex(text)
    except ValueError:
        raise MalformedInput("BEACON_HEX", "not a hexadecimal string") from None
    with Phases(quiet) as report:
        report(f"reading {in_file}")
        key = _read(in_file)
        report(f"beacon contribution (2^{iterations} hashes, then delta, C and H scaled)")
        key, digest = beacon(key, beacon_hash, iterations, name, get_backend(backend))
        report(f"writing {out_file}")
        _write_contribution(key, out_file, digest, "beacon contribution")


@command.command("verify")
@click.argument("circuit", metavar="R1CS_OR_CIRCUIT_DIR", type=click.Path(exists=True, path_type=Path))
@click.argument("ptau", metavar="PTAU", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("zkey", metavar="ZKEY", type=click.Path(dir_okay=False, path_type=Path))
@BACKEND
@QUIET
def zkey_verify(circuit: Path, ptau: Path, zkey: Path, backend: str, quiet: bool) -> None:
    """Check every contribution of ZKEY and the key against the circuit and the ptau, as snarkjs does.

    Prints the circuit hash and the contributions (newest first) and exits
    0 when the key is sound, 1 naming the first failed check.
    """
    from ...zk.backends import get_backend
    from ...zk.formats.ptau import read_ptau
    from ...zk.groth16.phase2 import format_hash
    from ...zk.groth16.phase2_verify import verify_zkey

    with Phases(quiet) as report:
        report("reading the key, the circuit and the ptau")
        key = _read(zkey)
        r1cs, pt = _circuit(circuit), read_ptau(ptau)
        report(f"checking {len(key.contributions)} contribution(s) and the key's sections")
        verdict = verify_zkey(r1cs, pt, key, get_backend(backend))
    out.print(format_cs_hash(verdict.cs_hash), markup=False)
    for info in reversed(verdict.contributions):
        out.print("-------------------------", markup=False)
        out.print(f"contribution #{info.index} {info.name}:\n{format_hash(info.digest)}", markup=False)
        if info.beacon:
            out.print(f"Beacon generator: {info.beacon[0].hex()}\nBeacon iterations Exp: {info.beacon[1]}",
                      markup=False)
    out.print("-------------------------", markup=False)
    if not verdict.ok:
        from ...zk.errors import Refused

        raise Refused(f"INVALID: {verdict.reason}")
    out.print("ZKey Ok!", markup=False)


@command.group("export")
def zkey_export() -> None:
    """Export parts of a .zkey."""


@zkey_export.command("verificationkey")
@click.argument("zkey", metavar="ZKEY", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("verification_key.json"), show_default=True)
def zkey_export_vk(zkey: Path, out_file: Path) -> None:
    """Write ZKEY's verification key as snarkjs's verification_key.json.

    Refused (exit 2) for a key that admits forgeries, such as one with no
    phase-2 contribution yet.
    """
    from ...zk.files import write_atomic
    from ...zk.formats.snarkjs_json import dumps, vk_to_json
    from ...zk.groth16.zkey_key import zkey_vk

    write_atomic(out_file, dumps(vk_to_json(zkey_vk(_read(zkey)))))
    out.print(str(out_file), markup=False)
