"""A deployed rollup over the toy statement circuit: any statement can be proven in milliseconds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from zkob.anchor.layout import Layout
from zkob.anchor.record import encode_record
from zkob.anchor.rollup import Rollup, deploy_rollup
from zkob.anchor.statement import prove_statement, statement_keys
from zkob.state.digest import record_digest
from zkob.zk.eddsa import private_to_public

GENESIS = 3607627140608796879659380071776844901612302623152076817094415224584923813162


@lru_cache(maxsize=None)
def keys(n_public: int):
    """Seeded development keys of the toy circuit with n_public inputs (made once per process)."""
    return statement_keys(n_public, seed=n_public)

ALICE, BOB, CAROL = 1, 2, 3          # chain account indices of the depositors
PUB = {i: tuple(private_to_public(bytes([i]) * 32)) for i in (1, 2, 3)}
GWEI = 10 ** 9


@dataclass
class Venue:
    """The rollup and the operator's view: current root, a counter for fresh roots."""

    rollup: Rollup
    root: int = GENESIS
    next_root: int = 1000

    def statement(self, bridge_ops, old_root=None, **extra):
        names = self.rollup.layout.names
        values = {"old_root": self.root if old_root is None else old_root, "new_root": self.next_root,
                  "commitment": 77, "bridge": record_digest(bridge_ops), "market": 55, "time": 0}
        values.update(extra)
        return [values[n] for n in names]

    def submit(self, bridge_ops, record=None, proof_for=None, **extra):
        """Prove the statement of ``bridge_ops`` and submit it with their record (or ``record``)."""
        public = self.statement(bridge_ops, **extra)
        pk, _ = keys(len(public))
        proof = prove_statement(pk, proof_for or public)
        outcome = self.rollup.submit(proof, public, encode_record(bridge_ops) if record is None else record)
        if outcome.ok:
            self.root, self.next_root = public[1], self.next_root + 1
        return outcome, proof, public


def make_venue(chain, layout: Layout) -> Venue:
    _, vk = keys(layout.n_public)
    return Venue(deploy_rollup(chain, vk, GENESIS, accounts_depth=3, layout=layout, time_slack=300))
