"""ffjavascript's ChaCha20 and samplers: the RFC 7539 keystream, and hashToG2 / beacon keys as snarkjs draws them."""

from __future__ import annotations

import json

import pytest

from zkob.zk.chacha import ChaCha, beacon_rng, field_from_rng, fq2_sqrt, g1_from_rng, hash_to_g2, scalar_from_rng
from zkob.zk.curve import g1_on_curve, g2_in_subgroup
from zkob.zk.field import Q, R

# RFC 7539 appendix A.1, test vector 1: all-zero key, nonce and block counter
RFC7539_ZERO_BLOCK = ("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586")


def test_first_block_is_the_rfc_7539_keystream_for_a_zero_key():
    rng = ChaCha([0] * 8)
    words = [rng.next_u32() for _ in range(16)]
    assert b"".join(w.to_bytes(4, "little") for w in words).hex() == RFC7539_ZERO_BLOCK


def test_counter_runs_over_blocks_and_u64_takes_the_first_word_high():
    a, b = ChaCha([1, 2, 3, 4, 5, 6, 7, 8]), ChaCha([1, 2, 3, 4, 5, 6, 7, 8])
    first = [a.next_u32() for _ in range(32)]
    assert first[:16] != first[16:]
    assert b.next_u64() == first[0] << 32 | first[1]


def test_samplers_land_in_their_groups():
    rng = ChaCha([9] * 8)
    assert all(0 <= field_from_rng(rng, Q) < Q for _ in range(20))
    assert g1_on_curve(g1_from_rng(rng)) and g2_in_subgroup(hash_to_g2(bytes(range(64))))
    assert 0 <= scalar_from_rng(rng) < R
    root = fq2_sqrt((5, 7))
    assert root is None or (root[0] * root[0] - root[1] * root[1]) % Q == 5


NODE_DRAWS = """
import { buildBn128 } from "ffjavascript";
import { hashToG2 } from "./node_modules/snarkjs/src/keypair.js";
import * as misc from "./node_modules/snarkjs/src/misc.js";
const curve = await buildBn128(true);
const out = [];
for (let t = 0; t < 3; t++) {
  const h = new Uint8Array(64); for (let i = 0; i < 64; i++) h[i] = (i * 7 + t * 13) & 255;
  out.push(curve.G2.toObject(curve.G2.toAffine(hashToG2(curve, h))).map(c => c.map(x => x.toString())));
}
const rng = await misc.rngFromBeaconParams(new Uint8Array([1, 2, 3, 4, 5]), 10);
const k = curve.Fr.toObject(curve.Fr.fromRng(rng));
out.push([k.toString(), curve.G1.toObject(curve.G1.toAffine(curve.G1.fromRng(rng))).map(x => x.toString())]);
console.log(JSON.stringify(out));
await curve.terminate();
"""


@pytest.mark.interop
def test_hash_to_g2_and_beacon_keys_match_snarkjs(node):
    ref = json.loads(node.run_js(NODE_DRAWS))
    for t in range(3):
        (x0, x1), (y0, y1) = hash_to_g2(bytes((i * 7 + t * 13) & 255 for i in range(64)))
        assert ref[t] == [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]
    rng = beacon_rng(bytes([1, 2, 3, 4, 5]), 10)
    secret = scalar_from_rng(rng)
    x, y = g1_from_rng(rng)
    assert ref[3] == [str(secret), [str(x), str(y), "1"]]
