"""docs/protocol.md ships with the code and names every protocol table entry; the README links it."""

from __future__ import annotations

from pathlib import Path

from zkob.state.protocol import OP_TABLE, PUBLIC_INPUTS, RULES
from zkob.zk import errors

ROOT = Path(__file__).resolve().parent.parent
SPEC = " ".join((ROOT / "docs" / "protocol.md").read_text().split())  # one line: wrapping does not matter


def test_every_rule_name_is_in_the_spec():
    assert [rule for rule in RULES if f"`{rule}`" not in SPEC] == []


def test_every_op_type_and_public_input_is_in_the_spec():
    assert [spec.name for spec in OP_TABLE if f"| {spec.name} | {spec.code} |" not in SPEC] == []
    assert "`" + "`, `".join(PUBLIC_INPUTS) + "`" in SPEC


def test_exit_codes_are_in_the_spec():
    for code in (errors.EXIT_OK, errors.EXIT_REFUSED, errors.EXIT_BAD_INPUT, errors.EXIT_INTERNAL):
        assert f"; {code} " in SPEC or f": {code} " in SPEC


def test_readme_links_the_spec_that_ships_and_no_file_outside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "docs/protocol.md" in readme and "../shared" not in readme
