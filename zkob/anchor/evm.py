"""A local EVM chain on py-evm (Cancun rules) for tests, the walkthrough and gas benchmarks.

One transaction per block, mined at once (as eth-tester's auto-mining
does), with block timestamps under the caller's control (``set_time``), so
a test can move the clock the rollup's time check reads. Every
transaction names its gas limit: py-evm's estimate can fall far short
around a failing precompile (FORMATS.md). Accounts are derived from fixed
private keys and funded at genesis: nothing here is for real money.

Needs the test extra (``py-evm``); importing this module without it
raises ImportError with the install hint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

try:
    from eth import constants
    from eth.chains.base import MiningChain
    from eth.db.atomic import AtomicDB
    from eth.vm.forks.cancun import CancunVM
    from eth.vm.spoof import SpoofTransaction
    from eth_keys.datatypes import PrivateKey
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the local EVM needs py-evm: pip install 'zkob[test]'") from exc

CHAIN_ID = 1337
GENESIS_TIME = 1_700_000_000
BLOCK_INTERVAL = 12
DEFAULT_GAS = 8_000_000
GAS_PRICE = 10 ** 9


@dataclass(frozen=True)
class Log:
    address: bytes
    topics: tuple[int, ...]
    data: bytes


@dataclass(frozen=True)
class Outcome:
    """What a transaction or call did: success, gas, returned or revert data, logs."""

    ok: bool
    gas_used: int
    output: bytes
    logs: tuple[Log, ...] = ()
    error: str = ""
    created: bytes | None = None


class Chain:
    """A fresh chain with ``n_accounts`` funded accounts (index 0 deploys by default)."""

    def __init__(self, n_accounts: int = 8, balance: int = 10 ** 24, start_time: int = GENESIS_TIME):
        self.keys = [PrivateKey((i + 1).to_bytes(32, "big")) for i in range(n_accounts)]
        self.accounts = [k.public_key.to_canonical_address() for k in self.keys]
        klass = MiningChain.configure(__name__="ZkobTestChain", vm_configuration=((0, CancunVM),),
                                      chain_id=CHAIN_ID)
        genesis: Any = {
            "difficulty": 0, "gas_limit": 60_000_000, "timestamp": start_time,
            "coinbase": constants.ZERO_ADDRESS, "extra_data": b"", "nonce": b"\0" * 8,
            "mix_hash": constants.ZERO_HASH32, "base_fee_per_gas": 1,
        }
        state: Any = {a: {"balance": balance, "nonce": 0, "code": b"", "storage": {}} for a in self.accounts}
        self._chain: Any = klass.from_genesis(AtomicDB(), genesis, state)  # a MiningChain (py-evm types it loosely)
        self._next_time = start_time + BLOCK_INTERVAL
        self._logs: list[Log] = []

    # --- time -----------------------------------------------------------------------------

    @property
    def time(self) -> int:
        """Timestamp of the latest mined block."""
        return int(self._chain.get_canonical_head().timestamp)

    def set_time(self, timestamp: int) -> None:
        """The timestamp of the next block (must be after the latest one)."""
        if timestamp <= self.time:
            raise ValueError("a block's timestamp must be after its parent's")
        self._next_time = timestamp

    # --- state ----------------------------------------------------------------------------

    def balance(self, address: bytes) -> int:
        return int(self._chain.get_vm().state.get_balance(address))

    def logs(self, address: bytes) -> list[Log]:
        """Every log ``address`` emitted in a mined transaction, oldest first (a node's log index)."""
        return [log for log in self._logs if log.address == address]

    def code(self, address: bytes) -> bytes:
        return bytes(self._chain.get_vm().state.get_code(address))

    # --- transactions ---------------------------------------------------------------------

    def transact(self, to: bytes, data: bytes, sender: int = 0, value: int = 0,
                 gas: int = DEFAULT_GAS) -> Outcome:
        """Send and mine one transaction (``to=b""`` creates a contract from ``data``)."""
        key = self.keys[sender]
        vm: Any = self._chain.get_vm()
        nonce = vm.state.get_nonce(self.accounts[sender])
        tx = vm.create_unsigned_transaction(nonce=nonce, gas_price=GAS_PRICE, gas=gas, to=to,
                                            value=value, data=data).as_signed_transaction(key, chain_id=CHAIN_ID)
        self._chain.set_header_timestamp(self._next_time)
        _, receipt, computation = self._chain.apply_transaction(tx)
        self._chain.mine_block()
        self._next_time = self.time + BLOCK_INTERVAL
        created = computation.msg.storage_address if to == b"" and computation.is_success else None
        logs = tuple(Log(lg.address, tuple(lg.topics), lg.data) for lg in receipt.logs)
        self._logs += logs
        return Outcome(computation.is_success, receipt.gas_used, computation.output, logs,
                       "" if computation.is_success else repr(computation.error), created)

    def deploy(self, init_code: bytes, sender: int = 0, gas: int = 30_000_000) -> bytes:
        """Create a contract; returns its address (raises RuntimeError when creation fails)."""
        outcome = self.transact(b"", init_code, sender=sender, gas=gas)
        if outcome.created is None:
            raise RuntimeError(f"contract creation failed: {outcome.error}")
        return outcome.created

    def call(self, to: bytes, data: bytes, sender: int = 0, gas: int = DEFAULT_GAS) -> Outcome:
        """Execute without mining (eth_call) at the next block's context."""
        vm: Any = self._chain.get_vm()
        tx = vm.create_unsigned_transaction(nonce=vm.state.get_nonce(self.accounts[sender]), gas_price=0,
                                            gas=gas, to=to, value=0, data=data)
        self._chain.set_header_timestamp(self._next_time)
        with self._chain.get_vm(self._chain.header).in_costless_state() as state:
            computation = state.costless_execute_transaction(SpoofTransaction(tx, from_=self.accounts[sender]))
        return Outcome(computation.is_success, computation.get_gas_used(), computation.output, (),
                       "" if computation.is_success else repr(computation.error))
