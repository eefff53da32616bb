"""Poseidon on chain (generated EVM code) equals `zkob hash` for widths 2 to 9."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from zkob.anchor.evmasm import Asm, StackError, deploy_code
from zkob.anchor.poseidon_evm import MAX_CODE, poseidon_parts
from zkob.cli.main import cli
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

WIDTHS = list(range(2, 10))


def zkob_hash(xs):
    result = CliRunner().invoke(cli, ["hash", *map(str, xs)])
    assert result.exit_code == 0, result.output
    return int(result.output.strip())


def run_parts(chain, addresses, xs):
    data = b"".join(x.to_bytes(32, "big") for x in xs)
    for address in addresses:
        outcome = chain.call(address, data)
        if not outcome.ok:
            return None
        data = outcome.output
    assert len(data) == 32
    return int.from_bytes(data, "big")


@pytest.mark.parametrize("t", list(range(2, 12)))
def test_every_part_fits_eip170(t):
    assert all(len(code) <= MAX_CODE for code in poseidon_parts(t))


def test_assembler_refuses_a_stack_item_beyond_dup16():
    asm = Asm()
    asm.push(1, "deep")
    for _ in range(16):
        asm.push(2)
    with pytest.raises(StackError, match="17 deep"):
        asm.dup("deep")


@pytest.mark.parametrize("t", WIDTHS)
def test_parts_on_chain_equal_zkob_hash(chain, t):
    addresses = [chain.deploy(deploy_code(code)) for code in poseidon_parts(t)]
    rng = random.Random(t)
    cases = [list(range(1, t)), [0] * (t - 1), [R - 1] * (t - 1), [rng.randrange(R) for _ in range(t - 1)]]
    for xs in cases:
        assert run_parts(chain, addresses, xs) == poseidon(xs)
    assert run_parts(chain, addresses, cases[-1]) == zkob_hash(cases[-1])


@pytest.mark.parametrize("t", [3, 9])
def test_first_part_refuses_inputs_at_or_above_r_and_wrong_lengths(chain, t):
    first = chain.deploy(deploy_code(poseidon_parts(t)[0]))
    ok = [1] * (t - 1)
    assert chain.call(first, b"".join(x.to_bytes(32, "big") for x in ok)).ok
    for bad in ([R] + ok[1:], ok[:-1] + [R + 5], ok[:-1] + [2 ** 256 - 1]):
        assert not chain.call(first, b"".join(x.to_bytes(32, "big") for x in bad)).ok
    assert not chain.call(first, b"".join(x.to_bytes(32, "big") for x in ok + [1])).ok
    assert not chain.call(first, b"\x01" * (32 * (t - 1) - 1)).ok


@pytest.mark.interop
def test_solidity_facades_equal_zkob_hash(chain):
    from zkob.anchor.abi import call_data, encode, words
    from zkob.anchor.rollup_sol import poseidon_facade_source
    from zkob.anchor.solc import compile_sources

    artifacts = compile_sources({f"P{t}.sol": poseidon_facade_source(t) for t in (3, 9)})
    for t in (3, 9):
        parts = [chain.deploy(deploy_code(code)) for code in poseidon_parts(t)]
        facade = chain.deploy(artifacts[f"PoseidonT{t}"].bytecode + encode(["address"] * len(parts), parts))
        xs = [random.Random(t).randrange(R) for _ in range(t - 1)]
        outcome = chain.call(facade, call_data(f"poseidon(uint256[{t - 1}])", [xs]))
        assert outcome.ok and words(outcome.output) == [zkob_hash(xs)]
