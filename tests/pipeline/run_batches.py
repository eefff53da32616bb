"""The one place the run tests build batches (so a protocol change touches only this file).

``signed_run(n)`` returns n batch files (JSON objects, salts fixed) that a
fresh state of ``PARAMS`` accepts in order, each signed for the state the
ones before it leave; ``overdraw(after)`` is a batch that state machine
rejects (rule insufficient_balance) after those batches.
"""

from __future__ import annotations

from pathlib import Path

from zkob.state.api import apply_batch, new_state
from zkob.state.batchfile import Batch, parse_batch
from zkob.state.config import Config
from zkob.state.params import Params
from zkob.state.signing import sign_ops
from zkob.state.state import State
from zkob.zk.eddsa import private_to_public

# the walkthrough's (zkob/cli/anchor_flow.py) v2 spot venue, so the session's walkthrough keys serve
PARAMS = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4, underlyings=1, instruments_depth=1,
                positions=1, reports=1, derivatives_slots=0, config=Config(venue_id=0xA2C408))
KEYS = {1: bytes([1, 0x5A]) * 16, 2: bytes([2, 0x5A]) * 16}
RUN_CONFIG = Path(__file__).with_name("run_config.json")  # PARAMS for `zkob init --config`
INIT_ARGS = ["--config", str(RUN_CONFIG)]


def _pubkey(account: int) -> list[str]:
    return [str(c) for c in private_to_public(KEYS[account])]


def _ops(number: int) -> list[dict]:
    if number == 1:
        return [{"op": "deposit", "account": 1, "asset": 1, "amount": 1000, "pubkey": _pubkey(1)},
                {"op": "deposit", "account": 2, "asset": 2, "amount": 5000, "pubkey": _pubkey(2)}]
    order = number % 7 + 1
    return [{"op": "deposit", "account": 2, "asset": 2, "amount": number},
            {"op": "withdraw", "account": 1, "asset": 1, "amount": 1},
            {"op": "place", "order": order, "account": 1, "base": 1, "quote": 2, "side": "sell",
             "price": 3, "qty": 2},
            {"op": "cancel", "order": order, "account": 1}]


def _signed(ops: list[dict], salt: int, state: State, time: int) -> Batch:
    parsed = parse_batch({"ops": ops, "time": time, "salt": str(salt)}, state.params, require_sigs=False)
    return Batch(sign_ops(parsed.ops, KEYS, state), parsed.salt, parsed.salt_given, parsed.time)


def signed_run(count: int, params: Params = PARAMS) -> list[dict]:
    """``count`` batch files a fresh state of ``params`` (batch_size >= 4) accepts in order (bench/ uses it too)."""
    scratch, files = new_state(params), []
    for number in range(1, count + 1):
        batch = _signed(_ops(number), 1000 + number, scratch, time=number)
        apply_batch(scratch, batch)
        files.append(batch.to_json())
    return files


def overdraw(after: int) -> dict:
    """A batch the state rejects (insufficient_balance) once ``signed_run(after)`` is applied."""
    scratch = new_state(PARAMS)
    for data in signed_run(after):
        apply_batch(scratch, parse_batch(data, PARAMS))
    ops = [{"op": "withdraw", "account": 1, "asset": 1, "amount": 10 ** 6}]
    return _signed(ops, 999, scratch, time=after + 1).to_json()
