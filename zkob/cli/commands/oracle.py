"""``zkob oracle keygen|sign``: a committee member's key, and its signature on a batch's reports.

A member signs exactly the message the state machine checks (DESIGN
section 10): H(1, u, p, t) for an index report, H(2, u_i, expiry_i, P) for
the settlement of listed instrument i. ``sign`` appends the report to the
batch file's ``reports``, or adds the member's signature to the same
report already there, so members sign one file in turn like holders do
with ``zkob sign``; the ops, time and salt are copied as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import out
from ..statedir import state_dir
from . import keygen

if TYPE_CHECKING:
    from ...state.batchfile import Batch
    from ...state.instruments import Instrument
    from ...state.oracle import Report


@click.group("oracle")
def group() -> None:
    """Oracle committee: member keys and signed price reports."""


@group.command("keygen")
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key file to create (owner-only permissions; never overwritten).")
@click.pass_context
def keygen_command(ctx: click.Context, out_path: Path) -> None:
    """Create a member's key file and print its public key ["x", "y"] for the config's oracle_keys.

    Same key format as `zkob keygen` (EdDSA-Poseidon on Baby Jubjub).
    """
    ctx.invoke(keygen.command, out_path=out_path)


@group.command("sign")
@click.argument("key_file", metavar="KEY.json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("kind", type=click.Choice(["index", "settlement"]))
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.option("--underlying", type=click.IntRange(min=0), help="index: the underlying u.")
@click.option("--instrument", type=click.IntRange(min=1), help="settlement: the listed instrument i.")
@click.option("--price", required=True, type=click.IntRange(min=0), help="The index or settlement price.")
@click.option("--ts", type=click.IntRange(min=0), help="index: the report's time (default: the batch's time).")
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Batch file to write (atomically; may be BATCH.json itself).")
def sign_command(key_file: Path, kind: str, directory: Path, batch_file: Path, underlying: int | None,
                 instrument: int | None, price: int, ts: int | None, out_path: Path) -> None:
    """Sign an index or settlement report with KEY.json and put it in BATCH.json's reports.

    The member's index is its key's place in DIRECTORY's oracle_keys. A
    settlement is signed over the terms of instrument i as DIRECTORY lists it
    (or as a list op of the batch lists it). The checks of section 10
    (quorum, staleness, expiry) are the state machine's, at `zkob apply`.
    """
    from ...state.batchfile import load_batch
    from ...state.instruments import Instrument
    from ...state.ops import to_json
    from ...state.oracle import IndexReport, SettlementReport, report_to_json, sign_report, signer_index
    from ...zk.eddsa import key_file_from_json
    from ...zk.errors import MalformedInput, ZkobError
    from ...zk.files import write_atomic

    try:
        prv, public_key = key_file_from_json(json.loads(key_file.read_bytes()), str(key_file))
    except (ValueError, MalformedInput) as exc:
        raise ZkobError(f"{key_file} is not a zkob key file: {exc}") from None
    with state_dir(directory) as state:
        params = state.params
        batch = load_batch(batch_file, params, require_sigs=False)
        member = signer_index(public_key, params.config.oracle_keys)
        if member is None:
            raise ZkobError(f"the key of {key_file} is not in the oracle_keys of {directory}")
        terms: Instrument | None = None
        report: IndexReport | SettlementReport
        if kind == "index":
            if underlying is None or instrument is not None:
                raise ZkobError("an index report takes --underlying (and no --instrument)")
            report = IndexReport(underlying, price, batch.time if ts is None else ts)
        else:
            if instrument is None or underlying is not None or ts is not None:
                raise ZkobError("a settlement report takes --instrument (and no --underlying or --ts)")
            terms = state.instrument(instrument) or _listed_by(batch, instrument)
            if terms is None:
                raise ZkobError(f"instrument {instrument} is not listed in {directory} nor by {batch_file}")
            report = SettlementReport(instrument, price)
    reports = list(batch.reports)
    same = [k for k, r in enumerate(reports) if _same_report(r, report)]
    if same:
        reports[same[0]] = sign_report(reports[same[0]], prv, member, terms)
    elif len(reports) >= params.reports:
        raise ZkobError(f"{batch_file} already holds {len(reports)} reports, the most a batch holds")
    else:
        reports.append(sign_report(report, prv, member, terms))
    document: dict[str, object] = {"ops": [to_json(op) for op in batch.ops], "time": batch.time,
                                   "reports": [report_to_json(r) for r in reports]}
    if batch.salt_given:
        document["salt"] = str(batch.salt)
    write_atomic(out_path, json.dumps(document, indent=1) + "\n")
    where = same[0] if same else len(reports) - 1
    count = len(reports[where].sigs)
    out.print(f"member {member} signed reports[{where}] ({kind}); it has {count} of the quorum "
              f"{params.config.quorum} signature(s)", markup=False)


def _same_report(a: Report, b: Report) -> bool:
    """The same report but for its signatures."""
    from dataclasses import replace

    return type(a) is type(b) and replace(a, sigs=()) == replace(b, sigs=())


def _listed_by(batch: Batch, instrument: int) -> Instrument | None:
    """The terms a list op of the batch gives ``instrument`` (settled at 0), or None."""
    from ...state.instruments import Instrument
    from ...state.ops import ListInstrument

    for op in batch.ops:
        if isinstance(op, ListInstrument) and op.instrument == instrument:
            return Instrument(op.kind, op.underlying, op.strike, op.expiry, 0)
    return None


command = group
