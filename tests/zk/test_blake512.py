"""BLAKE-512 against the submission's known answers and circomlibjs's blake-hash."""

from __future__ import annotations

import hashlib
import json

import pytest

from zkob.zk.blake512 import BLOCK_BYTES, C, IV, blake512, pad, pi_fraction_bits

# Known answers from the BLAKE SHA-3 submission (appendix of the specification).
ONE_ZERO_BYTE = (
    "97961587f6d970faba6d2478045de6d1fabd09b61ae50932054d52bc29d31be4"
    "ff9102b9f69e2bbdb83be13d4b9c06091e5fa0b48bd081b634058be0ec49beb3"
)
ZEROS_144 = (
    "313717d608e9cf758dcb1eb0f0c3cf9fc150b2d500fb33f51c52afc99d358a2f"
    "1374b8a38bba7974e7f6ef79cab16f22ce1e649d6e01ad9589c213045d545dde"
)
EMPTY = (
    "a8cfbbd73726062df0c6864dda65defe58ef0cc52a5625090fa17601e1eecd1b"
    "628e94f396ae402a00acc9eab77b4d4c2e852aaaa25a636d80af3fc7913ef5b8"
)


def test_published_vectors():
    assert blake512(b"\x00").hex() == ONE_ZERO_BYTE
    assert blake512(bytes(144)).hex() == ZEROS_144  # two blocks, the second mostly padding
    assert blake512(b"").hex() == EMPTY


def test_constants_match_the_specification():
    # First and last words as printed in the specification; the rest follow from pi.
    assert IV[0] == 0x6A09E667F3BCC908 and IV[7] == 0x5BE0CD19137E2179
    assert C[0] == 0x243F6A8885A308D3 and C[15] == 0x636920D871574E69
    assert pi_fraction_bits(16) == 0x243F


def test_not_blake2_nor_sha512():
    assert blake512(b"abc") != hashlib.blake2b(b"abc").digest()
    assert blake512(b"abc") != hashlib.sha512(b"abc").digest()


@pytest.mark.parametrize("n", [0, 1, 110, 111, 112, 127, 128, 129, 239, 240, 256])
def test_padding_length_and_markers(n):
    padded = pad(bytes(n))
    assert len(padded) % BLOCK_BYTES == 0
    assert int.from_bytes(padded[-16:], "big") == 8 * n
    if n % BLOCK_BYTES == 111:
        assert padded[n] == 0x81
    else:
        assert padded[n] == 0x80 and padded[-17] == 0x01


def test_one_bit_changes_digest():
    assert blake512(b"\x01") != blake512(b"\x00")
    assert blake512(bytes(111)) != blake512(bytes(112))


@pytest.mark.interop
def test_matches_blake_hash_used_by_circomlibjs(node):
    lengths = [0, 1, 32, 64, 110, 111, 112, 127, 128, 129, 239, 240, 255, 256, 300]
    source = """
import createBlakeHash from "blake-hash";
const out = {};
for (const n of JSON.parse(process.argv[2])) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 255;
  out[n] = createBlakeHash("blake512").update(b).digest("hex");
}
console.log(JSON.stringify(out));
"""
    theirs = node.json(source, json.dumps(lengths))
    for n in lengths:
        assert blake512(bytes((i * 7 + 3) & 255 for i in range(n))).hex() == theirs[str(n)], n
