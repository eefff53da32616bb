"""``zkob vectors -o DIR``: regenerate the committed test vectors (vectors/)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from ..console import err, out

#: topic -> module with a deterministic ``build() -> dict`` (Wycheproof layout).
TOPICS = {
    "eddsa": "zkob.zk.eddsa_vectors",
    "groth16": "zkob.zk.groth16_vectors",
    "poseidon": "zkob.zk.poseidon_vectors",
    "state": "zkob.state.vectors",
    "derivatives": "zkob.state.vectors_derivatives",
}


def render(topic: str) -> bytes:
    """The exact bytes of vectors/<topic>.json."""
    data = importlib.import_module(TOPICS[topic]).build()
    return (json.dumps(data, indent=1) + "\n").encode()


@click.command("vectors")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("vectors"), show_default=True, help="Directory to write <topic>.json into.")
@click.option("--topic", "topics", multiple=True, type=click.Choice(sorted(TOPICS)),
              help="Only these topics (default: all).")
def command(out_dir: Path, topics: tuple[str, ...]) -> None:
    """Regenerate deterministic test vectors for other implementations."""
    from ...zk.files import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = {}
    for topic in topics or sorted(TOPICS):  # every topic is computed before any file is written
        err.print(f"generating {topic}...", style="dim", markup=False)
        rendered[out_dir / f"{topic}.json"] = render(topic)
    for path, data in rendered.items():
        write_atomic(path, data)
        out.print(str(path), markup=False)
