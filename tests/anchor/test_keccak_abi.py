"""Keccak-256, selectors and the ABI encoding the calldata uses (no EVM needed)."""

from __future__ import annotations

import importlib.util
import os

import pytest

from zkob.anchor.abi import call_data, encode, words
from zkob.anchor.keccak import keccak256, selector


def test_keccak_known_answers():
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    assert selector("transfer(address,uint256)").hex() == "a9059cbb"


@pytest.mark.skipif(importlib.util.find_spec("eth_hash") is None, reason="eth-hash not installed")
def test_keccak_equals_eth_hash_across_block_boundaries():
    from eth_hash.auto import keccak

    for n in (0, 1, 135, 136, 137, 271, 272, 500):
        data = os.urandom(n)
        assert keccak256(data) == keccak(data)


def test_abi_static_then_dynamic():
    data = call_data("f(uint256[2],uint256[])", [[1, 2], [3, 4, 5]])
    assert data[:4] == selector("f(uint256[2],uint256[])")
    assert words(data[4:]) == [1, 2, 0x60, 3, 3, 4, 5]


def test_abi_nested_static_array_is_inline_and_addresses_are_words():
    assert words(encode(["uint256[2][2]", "address"], [[[1, 2], [3, 4]], b"\x11" * 20])) == \
        [1, 2, 3, 4, int.from_bytes(b"\x11" * 20, "big")]


@pytest.mark.parametrize("types, values", [
    (["uint256[2]"], [[1]]), (["uint64"], [1 << 64]), (["uint256"], [-1]), (["address"], [b"\x01" * 19]),
])
def test_abi_refuses_values_that_do_not_fit(types, values):
    with pytest.raises(ValueError):
        encode(types, values)
