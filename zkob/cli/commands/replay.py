"""``zkob replay DIR BATCH.json ...``: a replica re-executes private batches."""

from __future__ import annotations

from pathlib import Path

import click

from ..statedir import open_or_fail
from ..console import EXIT_INVALID, done, err, fail, out


class Mismatch(Exception):
    """A replayed batch does not reproduce its public inputs."""


NAMES = ("old_root", "new_root", "commitment", "bridge")


def _matches(expected: list[int], public_path: Path):
    """A check for apply_batch: the trace's public inputs must equal public.json's (same length: checked first)."""

    def check(trace) -> None:
        got = [trace.old_root, trace.new_root, trace.commitment, trace.bridge]
        if got != expected:
            wrong = next((n for n, a, b in zip(NAMES, got, expected) if a != b), "the public inputs")
            raise Mismatch(f"{wrong} differs from {public_path}")

    return check


@click.command("replay")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_files", metavar="OUT/batch.json...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
def command(directory: Path, batch_files: tuple[Path, ...]) -> None:
    """Apply each batch.json to the replica in DIRECTORY and check its roots against public.json beside it.

    A batch whose old root, new root, commitment or bridge digest differs
    from its public.json is not applied (exit 1); the ones before it stay.
    """
    from ...state.api import close_state
    from ...state.batchfile import load_batch
    from ...state.errors import Rejected, StoreError
    from ...state.transition import apply_batch
    from ...zk.errors import ZkError
    from ...zk.formats.snarkjs_json import load_json, parse_public

    state = open_or_fail(directory)
    try:
        for path in batch_files:
            public_path = path.with_name("public.json")
            try:
                expected = parse_public(load_json(public_path.read_bytes(), str(public_path)))
            except OSError as exc:
                fail(f"{public_path}: {exc.strerror}")
            if len(expected) != len(NAMES):
                fail(f"{public_path}: expected {len(NAMES)} public inputs [{', '.join(NAMES)}], got {len(expected)}")
            batch = load_batch(path, state.params.batch_size)
            if not batch.salt_given:
                fail(f"{path}: a replayed batch must carry its salt")
            try:
                trace = apply_batch(state, batch, check=_matches(expected, public_path))
            except Mismatch as exc:
                err.print(f"{path}: {exc}", markup=False)
                raise SystemExit(EXIT_INVALID) from None
            done(str(path))  # after the commit: nothing here may fail (no markup in a path)
        root = trace.new_root
    except (Rejected, ZkError, StoreError) as exc:
        fail(exc)
    finally:
        close_state(state)
    out.print(str(root), markup=False)
