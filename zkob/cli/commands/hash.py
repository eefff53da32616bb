"""``zkob hash X [X ...]``: Poseidon of decimal field elements."""

from __future__ import annotations

import click

from ..console import out


@click.command("hash")
@click.argument("values", nargs=-1, required=True)
def command(values: tuple[str, ...]) -> None:
    """Print the Poseidon hash (circomlib parameters) of 1..16 decimal field elements."""
    from ...zk.errors import ZkobError
    from ...zk.field import parse_decimal
    from ...zk.poseidon import MAX_INPUTS, poseidon

    if len(values) > MAX_INPUTS:
        raise ZkobError(f"Poseidon takes 1..{MAX_INPUTS} inputs, got {len(values)}")
    elements = [parse_decimal(v, f"input {i + 1}") for i, v in enumerate(values)]
    out.print(str(poseidon(elements)), markup=False)
