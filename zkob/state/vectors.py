"""Deterministic state-transition vectors for other implementations (Wycheproof layout).

``build()`` returns the content of vectors/state.json (protocol version 2,
spot ops): on tiny parameters (``PARAMS``: depths 3/3/2, K = 4 with two
full slots, U = 2, D_I = 3, P = 2, M = 2, a committee of three keys with
quorum 2, venue_id 7) a history of valid batches with the six public
values each must produce, batches that must be rejected (``flags`` = the
rule, plus the op index and type), the canonical op encodings and
hashes, and the empty-tree roots. Accounts 1, 2 and 7 have the
EdDSA-Poseidon keys of ``KEYS`` (private keys listed in the file) and
sign their withdraw/place/cancel ops over H(venue, op_hash, nonce); the
signature cases show each signed op's nonce and message, and the
rejections include forged, replayed, foreign and other-venue signatures
and unusable public keys. vectors_derivatives.py builds
vectors/derivatives.json on the same params. Costs a few seconds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..zk import babyjub as bj
from ..zk.eddsa import Signature, private_to_public, sign_poseidon, signature_to_json
from ..zk.field import R
from .api import apply_batch, new_state
from .batchfile import Batch, parse_batch
from .config import Config
from .errors import Rejected
from .oracle import committee_key
from .ops import Noop, Op, encode, op_hash, signer, signing_message, to_json
from .params import Params
from .protocol import RULES
from .signing import batch_nonces, sign_ops
from .smt import zero_hashes

VENUE = 7
COMMITTEE = tuple(bytes([0xA0 + k]) * 32 for k in range(3))  # private keys of the oracle committee
CONFIG = Config(oracle_keys=tuple(committee_key(k) for k in COMMITTEE), quorum=2, venue_id=VENUE)
PARAMS = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4, underlyings=2, instruments_depth=3,
                positions=2, reports=2, derivatives_slots=2, config=CONFIG)
U64 = 1 << 64
KEYS = {a: bytes([a]) * 32 for a in (1, 2, 7)}  # private keys of the vectors' accounts
PK = {a: private_to_public(k) for a, k in KEYS.items()}


def _d(account, asset, amount, pubkey=None):
    op = {"op": "deposit", "account": account, "asset": asset, "amount": str(amount)}
    if pubkey:
        op["pubkey"] = [str(pubkey[0]), str(pubkey[1])]
    return op


def _place(order, account, base, quote, side, price, qty):
    return {"op": "place", "order": order, "account": account, "base": base, "quote": quote,
            "side": side, "price": str(price), "qty": str(qty)}


HISTORY = [
    ("two accounts created and funded (asset 1 quote, asset 2 base)",
     [_d(1, 1, 1000, PK[1]), _d(2, 2, 100, PK[2]), _d(2, 1, 50), _d(1, 2, 10, PK[1])]),
    ("resting buy 5@10 and sell 4@12, a crossing sell 3@8 (escrow moves out of balances)",
     [_place(1, 1, 2, 1, "buy", 10, 5), _place(2, 2, 2, 1, "sell", 12, 4), _place(5, 2, 2, 1, "sell", 8, 3)]),
    ("taking buy fills 3 at the maker's 8: price improvement refunded; maker slot freed",
     [_place(3, 1, 2, 1, "buy", 9, 3), {"op": "fill", "taker": 3, "maker": 5, "qty": 3}]),
    ("taking sell fills 2 at the resting buy's 10; cancel refunds the rest; withdrawals",
     [_place(4, 2, 2, 1, "sell", 10, 2), {"op": "fill", "taker": 4, "maker": 1, "qty": 2},
      {"op": "cancel", "order": 1, "account": 1}, {"op": "withdraw", "account": 2, "asset": 1, "amount": "20"}]),
    ("balances up to 2^64 - 1 (decimal strings), a third account on the last leaf",
     [_d(7, 3, U64 - 1, PK[7]), _d(1, 3, U64 - 1)]),
]

REJECTIONS = [  # (rule, op type, ops) applied after the whole history
    ("id_range", "deposit", [_d(8, 1, 1, PK[1])]),
    ("amount_positive", "deposit", [_d(1, 1, 0)]),
    ("pubkey_required", "deposit", [_d(6, 1, 1)]),
    ("pubkey_invalid", "deposit", [_d(6, 1, 1, (5, 6))]),  # not on the curve
    ("pubkey_invalid", "deposit", [_d(6, 1, 1, (0, R - 1))]),  # order 2
    ("pubkey_invalid", "deposit", [_d(6, 1, 1, bj.IDENTITY)]),
    ("pubkey_invalid", "deposit", [_d(6, 1, 1, bj.GENERATOR)]),  # order 8l: outside the subgroup
    ("pubkey_mismatch", "deposit", [_d(1, 1, 1, PK[2])]),
    ("balance_overflow", "deposit", [_d(7, 3, 1)]),
    ("account_exists", "withdraw", [{"op": "withdraw", "account": 6, "asset": 1, "amount": 1}]),
    ("insufficient_balance", "withdraw", [{"op": "withdraw", "account": 2, "asset": 1, "amount": "10000"}]),
    ("slot_free", "place", [_place(2, 1, 2, 1, "buy", 1, 1)]),
    ("account_exists", "place", [_place(6, 5, 2, 1, "buy", 1, 1)]),
    ("distinct_assets", "place", [_place(6, 1, 1, 1, "buy", 1, 1)]),
    ("price_positive", "place", [_place(6, 1, 2, 1, "buy", 0, 1)]),
    ("qty_positive", "place", [_place(6, 1, 2, 1, "sell", 1, 0)]),
    ("price_range", "place", [_place(6, 7, 2, 3, "sell", U64, 1)]),
    ("escrow_overflow", "place", [_place(6, 1, 2, 1, "buy", 2**32, 2**32)]),
    ("insufficient_balance", "place", [_place(6, 1, 2, 1, "buy", 1000, 1000)]),
    ("order_exists", "cancel", [{"op": "cancel", "order": 6, "account": 1}]),
    ("order_owner", "cancel", [{"op": "cancel", "order": 2, "account": 1}]),
    ("distinct_orders", "fill", [{"op": "fill", "taker": 2, "maker": 2, "qty": 1}]),
    ("order_exists", "fill", [{"op": "fill", "taker": 2, "maker": 6, "qty": 1}]),
    ("price_cross", "fill", [_place(6, 1, 2, 1, "buy", 11, 1), {"op": "fill", "taker": 6, "maker": 2, "qty": 1}]),
    ("opposite_sides", "fill", [_place(6, 2, 2, 1, "sell", 12, 1), {"op": "fill", "taker": 6, "maker": 2, "qty": 1}]),
    ("same_market", "fill", [_place(6, 1, 3, 1, "buy", 12, 1), {"op": "fill", "taker": 6, "maker": 2, "qty": 1}]),
    ("qty_exceeds_remaining", "fill", [_place(6, 1, 2, 1, "buy", 12, 9), {"op": "fill", "taker": 6, "maker": 2, "qty": 5}]),
    ("balance_overflow", "fill", [_place(6, 7, 3, 2, "sell", 1, 1), _place(0, 1, 3, 2, "buy", 1, 1),
                                  {"op": "fill", "taker": 0, "maker": 6, "qty": 1}]),
]
_WITHDRAW = {"op": "withdraw", "account": 2, "asset": 1, "amount": "1"}
SIG_REJECTIONS = [  # (comment, op type, ops, tamper(signed op, its nonce) -> op) after the history
    ("S + 1 (forged)", "withdraw", [_WITHDRAW],
     lambda op, n: replace(op, sig=Signature(op.sig.R8, (op.sig.S + 1) % bj.L))),
    ("signed by account 2's key for account 1", "place", [_place(6, 1, 2, 1, "buy", 1, 1)],
     lambda op, n: replace(op, sig=sign_poseidon(KEYS[2], signing_message(op, n, VENUE)))),
    ("replayed: signed for the account's previous nonce", "cancel", [{"op": "cancel", "order": 2, "account": 2}],
     lambda op, n: replace(op, sig=sign_poseidon(KEYS[2], signing_message(op, n - 1, VENUE)))),
    ("signed for the next nonce", "withdraw", [_WITHDRAW],
     lambda op, n: replace(op, sig=sign_poseidon(KEYS[2], signing_message(op, n + 1, VENUE)))),
    ("account 1's valid signature moved onto account 2's identical withdrawal", "withdraw", [_WITHDRAW],
     lambda op, n: replace(op, sig=sign_poseidon(KEYS[1], signing_message(replace(op, account=1), n, VENUE)))),
    ("signed for another venue (venue_id 8)", "withdraw", [_WITHDRAW],
     lambda op, n: replace(op, sig=sign_poseidon(KEYS[2], signing_message(op, n, VENUE + 1)))),
]


def _signed(state, ops: list[dict], salt: int, time: int | None = None, reports: list | None = None) -> Batch:
    """The ops parsed and signed with KEYS at the nonces ``state`` and the batch give them (time: the state's)."""
    when = state.market.time if time is None else time
    draft = parse_batch({"ops": ops, "salt": str(salt), "time": when, "reports": reports or []}, state.params,
                        require_sigs=False)
    return Batch(sign_ops(draft.ops, KEYS, state), salt, True, draft.time, draft.reports)


def _signature_cases(batches: list[Batch], first_id: int) -> list[dict[str, Any]]:
    """Each signed op of the history: signer, nonce, message H(op_hash, nonce), signature."""
    state = new_state(PARAMS)
    cases: list[dict[str, Any]] = []
    for batch in batches:
        for op, nonce in zip(batch.ops, batch_nonces(batch.ops, state)):
            if nonce is None:
                continue
            account, sig = signer(op), getattr(op, "sig")
            leaf = state.account(account)
            assert leaf is not None
            cases.append({"tcId": first_id + len(cases), "comment": f"{op.NAME} by account {account}",
                          "op": to_json(op), "pubkey": [str(leaf.pk_x), str(leaf.pk_y)],
                          "nonce": str(nonce), "venue": str(VENUE), "op_hash": str(op_hash(op)),
                          "message": str(signing_message(op, nonce, VENUE)), "sig": signature_to_json(sig),
                          "result": "valid", "flags": []})
        apply_batch(state, batch)
    return cases


def public_json(trace: Any) -> dict[str, str]:
    """The six public values of a trace, by name (decimal strings)."""
    return {"old_root": str(trace.old_root), "new_root": str(trace.new_root), "commitment": str(trace.commitment),
            "bridge": str(trace.bridge), "market": str(trace.market), "time": str(trace.time)}


def build() -> dict:
    """The vectors as a JSON-ready dict (decimal strings throughout)."""
    state = new_state(PARAMS)
    history, batches = [], []
    for i, (comment, ops) in enumerate(HISTORY):
        batch = _signed(state, ops, 1000 + i, time=10 * (i + 1))
        batches.append(batch)
        t = apply_batch(state, batch)
        history.append({"tcId": i + 1, "comment": comment, "batch": batch.to_json(), **public_json(t),
                        "result": "valid", "flags": []})
    cases = [(rule, op_type, f"{op_type} breaking {rule}", _signed(state, ops, 1))
             for rule, op_type, ops in REJECTIONS]
    for comment, op_type, ops, tamper in SIG_REJECTIONS:
        batch = _signed(state, ops, 1)
        nonce = batch_nonces(batch.ops, state)[-1]
        tampered = Batch(batch.ops[:-1] + (tamper(batch.ops[-1], nonce),), 1, True, batch.time)
        cases.append(("signature_invalid", op_type, f"{op_type} signature: {comment}", tampered))
    rejections: list[dict[str, Any]] = []
    for j, (rule, op_type, comment, batch) in enumerate(cases):
        last = len(batch.ops) - 1
        try:
            apply_batch(state, batch)
        except Rejected as err:
            assert (err.rule, err.op_type, err.op_index) == (rule, op_type, last), err
        else:
            raise AssertionError(f"vector {rule} was not rejected")
        rejections.append({"tcId": len(HISTORY) + j + 1, "comment": comment,
                           "batch": batch.to_json(), "op_index": last, "op_type": op_type,
                           "result": "invalid", "flags": [rule]})
    all_ops: list[Op] = [op for batch in batches for op in batch.ops] + [Noop()]
    encodings = [{"tcId": len(history) + len(rejections) + k + 1, "comment": f"{op.NAME} encoding",
                  "op": to_json(op), "encoding": [str(x) for x in encode(op)], "op_hash": str(op_hash(op)),
                  "result": "valid", "flags": []} for k, op in enumerate(all_ops)]
    signatures = _signature_cases(batches, len(history) + len(rejections) + len(encodings) + 1)
    flags = sorted({flag for case in rejections for flag in case["flags"]})
    return {
        "algorithm": "zkob order-book state transition, spot ops (docs/protocol.md, protocol version 2)",
        "generator": "zkob.state.vectors",
        "numberOfTests": len(history) + len(rejections) + len(encodings) + len(signatures),
        "header": [
            "Apply the StateHistory batches in order to an empty state of these params (params.json form); each",
            "must give its six public values (old_root, new_root, commitment, bridge, market, time). Each Rejection",
            "batch applies to the state after the whole history and must be rejected at op_index by the rule in its",
            "flags, leaving the state unchanged. withdraw, place and cancel carry EdDSA-Poseidon (circomlibjs",
            "signPoseidon) signatures over H(venue, op_hash, nonce) by the account's key, with the account's nonce",
            "before the op and the config's venue_id; the private keys are listed for re-signing.",
        ],
        "notes": {flag: RULES[flag] for flag in flags},
        "params": PARAMS.to_dict(),
        "emptyRoots": [str(z) for z in zero_hashes(3)],
        "privateKeys": {str(a): k.hex() for a, k in KEYS.items()},
        "testGroups": [
            {"type": "StateHistory", "tests": history},
            {"type": "Rejection", "tests": rejections},
            {"type": "OpEncoding", "tests": encodings},
            {"type": "OpSignature", "tests": signatures},
        ],
    }

