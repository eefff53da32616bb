"""Phase 2 of a Groth16 ceremony on a snarkjs .zkey: contributions and random beacons, as snarkjs makes them.

Symbols (snarkjs's zkey_contribute.js -> code): a contributor's secret
delta_k -> ``secret``; its public key (g1_s, g1_sx = delta_k g1_s, g2_spx =
delta_k g2_sp) where g2_sp = hashToG2(transcript) ties the key to
everything before it; the transcript is blake2b-512 over the csHash, every
earlier contribution's public key (``pubkey_bytes``) and then g1_s, g1_sx.
The contribution multiplies delta1 and delta2 by delta_k and the C and H
sections by delta_k^-1 (so C_i = (beta u_i + alpha v_i + w_i)/delta and
H_i = L_{2i+1}(tau)/delta stay consistent with the new delta), records
deltaAfter = the new delta1, and leaves every other section untouched. A
verifier (phase2_verify.py) checks that delta moved by the secret the
public key proves knowledge of, so an honest contributor's secret, once
discarded, protects the key however the others behaved.

``contribute`` draws its secret and g1_s from the OS (``secrets``); a
beacon (``beacon``) derives both from public randomness (a block hash, say)
through snarkjs's iterated SHA-256, so anyone can recompute it. The new
file is written in snarkjs's contribute order (sections 1..10). Cost: one
scalar multiplication per point of the C and H sections (backend
lem_scale) plus a few on single points.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace

from py_ecc import optimized_bn128 as bn

from ..backends import get_backend
from ..backends.base import Backend
from ..chacha import beacon_rng, g1_from_rng, hash_to_g2, scalar_from_rng
from ..curve import G1, G1_GEN, G2, from_ecc_g1, from_ecc_g2, to_ecc_g1, to_ecc_g2
from ..errors import MalformedInput
from ..field import R
from ..formats.lem import g1_uncompressed, g2_uncompressed
from ..formats.zkey import BEACON, Contribution, Zkey

MAX_NAME_UNITS = 64  # snarkjs keeps name.substring(0, 64)
BEACON_EXP_RANGE = (10, 63)


def g1_mul(p: G1, k: int) -> G1:
    return from_ecc_g1(bn.multiply(to_ecc_g1(p), k % R))


def g2_mul(p: G2, k: int) -> G2:
    return from_ecc_g2(bn.multiply(to_ecc_g2(p), k % R))


def pubkey_bytes(c: Contribution) -> bytes:
    """A contribution's public key as transcripts hash it (snarkjs's hashPubKey)."""
    return b"".join([g1_uncompressed(c.delta_after), g1_uncompressed(c.g1_s), g1_uncompressed(c.g1_sx),
                     g2_uncompressed(c.g2_spx), c.transcript])


def transcript(cs_hash: bytes, previous: tuple[Contribution, ...], g1_s: G1, g1_sx: G1) -> bytes:
    """blake2b-512(csHash, earlier public keys, g1_s, g1_sx): what g2_sp is hashed from."""
    h = hashlib.blake2b(digest_size=64)
    h.update(cs_hash)
    for c in previous:
        h.update(pubkey_bytes(c))
    h.update(g1_uncompressed(g1_s))
    h.update(g1_uncompressed(g1_sx))
    return h.digest()


def contribution_hash(c: Contribution) -> bytes:
    """What a contributor publishes (and ``zkey verify`` lists): blake2b-512 of its public key."""
    return hashlib.blake2b(pubkey_bytes(c), digest_size=64).digest()


def format_hash(digest: bytes, indent: str = "\t\t") -> str:
    """snarkjs's display of a 64-byte hash: four lines of four 32-bit hex words."""
    words = [digest[i:i + 4].hex() for i in range(0, 64, 4)]
    return "\n".join(indent + " ".join(words[4 * r:4 * r + 4]) for r in range(4))


def truncate_name(name: str) -> str:
    units = name.encode("utf-16-le")[:2 * MAX_NAME_UNITS]
    return units.decode("utf-16-le", errors="ignore")


def apply_contribution(key: Zkey, secret: int, g1_s: G1, name: str = "", backend: Backend | None = None,
                       beacon: tuple[bytes, int] | None = None) -> tuple[Zkey, bytes]:
    """The key after a contribution with ``secret`` (and public-key point ``g1_s``); returns (key, hash)."""
    secret %= R
    if secret == 0 or g1_s is None:
        raise MalformedInput("contribution", "the secret and g1_s must be non-zero")
    engine = backend or get_backend("auto")
    g1_sx = g1_mul(g1_s, secret)
    record = transcript(key.cs_hash, key.contributions, g1_s, g1_sx)
    g2_spx = g2_mul(hash_to_g2(record), secret)
    h = key.header
    header = replace(h, delta1=g1_mul(h.delta1, secret), delta2=g2_mul(h.delta2, secret))
    kind, (beacon_hash, exp) = (BEACON, beacon) if beacon else (0, (b"", 0))
    entry = Contribution(header.delta1, g1_s, g1_sx, g2_spx, record, kind, truncate_name(name), exp, beacon_hash)
    inverse = pow(secret, -1, R)
    scaled = {k: engine.lem_scale(key.sections[k], 2, inverse, f"zkey.section[{k}]") for k in (8, 9)}
    return key.with_phase2(header, (*key.contributions, entry), scaled), contribution_hash(entry)


def contribute(key: Zkey, name: str = "", backend: Backend | None = None) -> tuple[Zkey, bytes]:
    """A contribution whose secret and g1_s come from the OS's randomness (then forgotten)."""
    secret = 1 + secrets.randbelow(R - 1)
    g1_s = g1_mul(G1_GEN, 1 + secrets.randbelow(R - 1))
    return apply_contribution(key, secret, g1_s, name, backend)


def beacon_secret(beacon_hash: bytes, iterations_exp: int) -> tuple[int, G1]:
    """(secret, g1_s) of a beacon, as snarkjs derives them (anyone can recompute them)."""
    rng = beacon_rng(beacon_hash, iterations_exp)
    secret = scalar_from_rng(rng)
    return secret, g1_from_rng(rng)


def check_beacon(beacon_hash: bytes, iterations_exp: int) -> None:
    if not 1 <= len(beacon_hash) <= 255:
        raise MalformedInput("beacon", "the beacon hash must be 1 to 255 bytes")
    lo, hi = BEACON_EXP_RANGE
    if not lo <= iterations_exp <= hi:
        raise MalformedInput("beacon", f"the iterations exponent must be between {lo} and {hi}")


def beacon(key: Zkey, beacon_hash: bytes, iterations_exp: int, name: str = "",
           backend: Backend | None = None) -> tuple[Zkey, bytes]:
    """A final contribution derived from public randomness (2^iterations_exp SHA-256 rounds)."""
    check_beacon(beacon_hash, iterations_exp)
    secret, g1_s = beacon_secret(beacon_hash, iterations_exp)
    return apply_contribution(key, secret, g1_s, name, backend, (beacon_hash, iterations_exp))
