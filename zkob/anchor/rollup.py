"""Deploy the verifier, the Poseidon parts, ZkobRollup and a test token on a chain, and drive them.

``deploy_rollup(chain, vk, genesis_root)`` compiles the generated sources
(solc-js), deploys everything and returns a ``Rollup`` whose methods send
the rollup's transactions (deposit, submitBatch, claim) and read its
state. The default assets: id 1 is ETH counted in gwei (one venue unit =
10^9 wei, so 2^64 units is about 1.8e10 ETH), id 2 the test token, one
venue unit per token unit. Outcomes keep the revert error's name
(``rollup.error_name(outcome)``) and decoded events (``rollup.events``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..state.ops import Deposit, op_hash
from ..zk.groth16.data import Proof, VerifyingKey
from .abi import call_data, encode, event_topic, words
from .calldata import submit_args, verify_calldata
from .evm import Chain, Outcome
from .evmasm import deploy_code
from .keccak import selector
from .layout import Layout, layout_of
from .poseidon_evm import poseidon_parts
from .rollup_sol import ROLLUP, TOKEN, WIDTHS, rollup_source, token_source
from .solc import Artifact, compile_sources
from .verifier_sol import CONTRACT as VERIFIER, verifier_source

ETH = bytes(20)
GWEI = 10 ** 9
SUBMIT_GAS = 12_000_000
CONSTRUCTOR = ("constructor(address,address[],address[],uint256,uint64,uint256,uint256,"
               "uint256[],address[],uint96[])")


@lru_cache(maxsize=8)
def _compiled(verifier_src: str, rollup_src: str) -> dict[str, Artifact]:
    return compile_sources({"Verifier.sol": verifier_src, "ZkobRollup.sol": rollup_src,
                            "ZkobTestToken.sol": token_source()})


def compile_contracts(vk: VerifyingKey, layout: Layout | None = None) -> dict[str, Artifact]:
    """Artifacts of Groth16Verifier (for vk), ZkobRollup (for layout) and ZkobTestToken; cached."""
    return _compiled(verifier_source(vk), rollup_source(layout))


def deploy_poseidon(chain: Chain, t: int) -> list[bytes]:
    """Deploy the EVM code parts of width t; returns their addresses in calling order."""
    return [chain.deploy(deploy_code(code)) for code in poseidon_parts(t)]


def _decode_event(entry: Mapping[str, Any], log_topics: Sequence[int], data: bytes) -> dict[str, int]:
    out: dict[str, int] = {}
    topics = iter(log_topics[1:])
    values = iter(words(data))
    for inp in entry["inputs"]:
        out[inp["name"]] = next(topics) if inp["indexed"] else next(values)
    return out


@dataclass
class Rollup:
    """A deployed ZkobRollup (with its verifier and token) on ``chain``."""

    chain: Chain
    address: bytes
    verifier: bytes
    token: bytes
    layout: Layout
    artifacts: dict[str, Artifact]
    assets: dict[int, tuple[bytes, int]] = field(default_factory=dict)   # id -> (token or ETH, unit)

    # --- reads ----------------------------------------------------------------------------

    def _read(self, signature: str, *args: Any) -> list[int]:
        outcome = self.chain.call(self.address, call_data(signature, list(args)))
        if not outcome.ok:
            raise RuntimeError(f"{signature} reverted: {outcome.error}")
        return words(outcome.output)

    @property
    def root(self) -> int:
        return self._read("root()")[0]

    @property
    def height(self) -> int:
        return self._read("height()")[0]

    @property
    def time(self) -> int:
        return self._read("time()")[0]

    @property
    def queue_head(self) -> int:
        return self._read("queueHead()")[0]

    @property
    def queue_tail(self) -> int:
        return self._read("queueTail()")[0]

    def claimable(self, who: bytes, asset: int) -> int:
        return self._read("claimable(address,uint256)", who, asset)[0]

    def owner(self, account: int) -> bytes:
        return self._read("accountOwner(uint256)", account)[0].to_bytes(32, "big")[12:]

    def token_balance(self, who: bytes) -> int:
        outcome = self.chain.call(self.token, call_data("balanceOf(address)", [who]))
        return words(outcome.output)[0]

    # --- transactions ---------------------------------------------------------------------

    def deposit(self, sender: int, account: int, asset: int, amount: int,
                pubkey: tuple[int, int] | None = None, gas: int = 2_000_000) -> Outcome:
        """Deposit ``amount`` venue units; pays ETH or approves and pulls the test token."""
        token, unit = self.assets[asset]
        value = amount * unit
        if token == ETH:
            return self.chain.transact(self.address, self._deposit_data(account, asset, amount, pubkey),
                                       sender=sender, value=value, gas=gas)
        self.chain.transact(self.token, call_data("mint(address,uint256)", [self.chain.accounts[sender], value]),
                            sender=sender)
        self.chain.transact(self.token, call_data("approve(address,uint256)", [self.address, value]), sender=sender)
        return self.chain.transact(self.address, self._deposit_data(account, asset, amount, pubkey),
                                   sender=sender, gas=gas)

    @staticmethod
    def _deposit_data(account: int, asset: int, amount: int, pubkey: tuple[int, int] | None) -> bytes:
        return call_data("deposit(uint256,uint256,uint256,uint256[2])", [account, asset, amount, list(pubkey or (0, 0))])

    def submit(self, proof: Proof, public: Sequence[int], record: Sequence[int], sender: int = 0,
               gas: int = SUBMIT_GAS) -> Outcome:
        signature = f"submitBatch(uint256[8],uint256[{self.layout.n_public}],uint256[])"
        return self.chain.transact(self.address, call_data(signature, submit_args(proof, public, record)),
                                   sender=sender, gas=gas)

    def claim(self, sender: int, asset: int) -> Outcome:
        return self.chain.transact(self.address, call_data("claim(uint256)", [asset]), sender=sender,
                                   gas=200_000)

    def verify(self, proof: Proof, public: Sequence[int], gas: int = 2_000_000) -> Outcome:
        """A verifyProof transaction on the rollup's verifier."""
        return self.chain.transact(self.verifier, verify_calldata(proof, public), gas=gas)

    # --- outcomes -------------------------------------------------------------------------

    def error_name(self, outcome: Outcome) -> str | None:
        """The custom error a failed transaction reverted with (None for success or no data)."""
        if outcome.ok or len(outcome.output) < 4:
            return None
        for artifact in (self.artifacts[ROLLUP], self.artifacts[VERIFIER]):
            for entry in artifact.abi:
                if entry["type"] == "error":
                    sig = f"{entry['name']}({','.join(i['type'] for i in entry['inputs'])})"
                    if selector(sig) == outcome.output[:4]:
                        return str(entry["name"])
        return outcome.output[:4].hex()

    def events(self, outcome: Outcome | None = None) -> list[tuple[str, dict[str, int]]]:
        """The rollup's events in a transaction (default: all mined so far), decoded by name."""
        by_topic: dict[int, dict[str, Any]] = {}
        for entry in self.artifacts[ROLLUP].abi:
            if entry["type"] == "event":
                sig = f"{entry['name']}({','.join(i['type'] for i in entry['inputs'])})"
                by_topic[event_topic(sig)] = entry
        found = []
        for log in (outcome.logs if outcome is not None else self.chain.logs(self.address)):
            event = by_topic.get(log.topics[0]) if log.address == self.address and log.topics else None
            if event is not None:
                found.append((str(event["name"]), _decode_event(event, log.topics, log.data)))
        return found


    def queued_deposits(self) -> list[QueuedDeposit]:
        """The deposits still in the queue (index >= queueHead), from the Deposited events."""
        head = self.queue_head
        found = []
        for name, e in self.events():
            if name == "Deposited" and e["index"] >= head:
                key = (e["pubkeyX"], e["pubkeyY"])
                op = Deposit(e["account"], e["asset"], e["amount"], None if key == (0, 0) else key)
                found.append(QueuedDeposit(e["index"], op, e["depositor"].to_bytes(20, "big")))
        return found


@dataclass(frozen=True)
class QueuedDeposit:
    """A deposit waiting in the contract's queue, as its Deposited event tells it."""

    index: int
    op: Deposit
    depositor: bytes


def deposit_op_hash(account: int, asset: int, amount: int, pubkey: tuple[int, int] | None) -> int:
    """The op_hash the contract stores for a deposit (a test ties the two)."""
    return op_hash(Deposit(account, asset, amount, pubkey))


def deploy_rollup(chain: Chain, vk: VerifyingKey, genesis_root: int, *, accounts_depth: int,
                  layout: Layout | None = None, genesis_time: int = 0, time_slack: int = 300,
                  eth_unit: int = GWEI, token_unit: int = 1, verifier_code: bytes | None = None) -> Rollup:
    """Deploy verifier, Poseidon parts, test token and ZkobRollup (assets: 1 = ETH, 2 = token).

    ``verifier_code`` replaces the generated verifier's creation code (the
    gas benchmark runs the rollup on snarkjs's verifier for the same key).
    """
    layout = layout or layout_of()
    artifacts = compile_contracts(vk, layout)
    verifier = chain.deploy(verifier_code or artifacts[VERIFIER].bytecode)
    token = chain.deploy(artifacts[TOKEN].bytecode)
    parts = {t: deploy_poseidon(chain, t) for t in WIDTHS}
    assets = {1: (ETH, eth_unit), 2: (token, token_unit)}
    args = encode(
        CONSTRUCTOR[len("constructor("):-1].split(","),
        [verifier, parts[WIDTHS[0]], parts[WIDTHS[1]], genesis_root, genesis_time, time_slack, accounts_depth,
         list(assets), [a for a, _ in assets.values()], [u for _, u in assets.values()]],
    )
    address = chain.deploy(artifacts[ROLLUP].bytecode + args)
    return Rollup(chain, address, verifier, token, layout, artifacts, assets)
