"""The batch's market section: the config, the old market, time, the M report slots, the entries every op uses.

Runs before the K slots, in the state machine's order (state/transition.run_market):

1. the config, opened from config_hash (N keys and quorum Q fix the
   circuit's shape; the other values are witnesses the hash binds) and
   range-checked once (config.assert_config_ranges);
2. the old market: old time and the U oracle entries, whose
   ``market_hash = H(old_time, config_hash, oracle_hash)`` is part of
   old_root; ``time_monotonic`` from old_time to the public time T;
3. the M report slots (reports.py) in order, each updating the entries
   (an index report) or, for a settlement, the instrument's leaf in the
   instruments tree (``report_instrument``: the leaf found at its id must
   be H(terms), so a free id fails; the new leaf carries settle_price),
   and each real one chained into the market digest;
4. ``oracle_freshness`` on the entries after the reports, unconditionally:
   it range-checks every price (< 2^64) and ts (< 2^32, <= T), which the
   next batch's report slots and every margin evaluation rely on.

Cost at U = 4, N = 3, Q = 2, D_I = 8, M = 2: config 816 + 249, old market
hash 663, time 66, per report slot 10,546 + instrument update ~4,180 +
digest 241, freshness 676, new market hash 663.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..state.params import Params
from .config import ConfigWires, alloc_config, assert_config_ranges, config_hash
from .cs import LC, ConstraintSystem
from .gadgets.merkle import index_bits, merkle_update
from .instruments import alloc_instrument, instrument_leaf
from .market import OracleWires, alloc_oracle, market_digest_step, market_hash, oracle_freshness, time_monotonic
from .reports import report_slot
from .updates import chain_root, pin_unless
from .witness import BatchInput


@dataclass
class MarketSection:
    """What the section leaves for the slots and the new root."""

    cfg: ConfigWires
    config_hash: LC
    old_market_hash: LC
    oracle: OracleWires
    instruments_root: LC
    digest: LC


def _settled(given: Callable[[], BatchInput], j: int) -> Any:
    """Report slot j's settled instrument leaf (witness function)."""
    return given().reports[j].instrument


def _report_witness(given: Callable[[], BatchInput], j: int) -> Any:
    return given().reports[j].witness


def market_section(cs: ConstraintSystem, params: Params, given: Callable[[], BatchInput], time: LC,
                   instruments_root: LC) -> MarketSection:
    """Constrain steps 1-4 above; ``instruments_root`` is the tree's root behind old_root."""
    cfg = alloc_config(cs, params.config.n_keys, params.config.quorum, lambda: given().config)
    digest_of_config = config_hash(cs, cfg)
    assert_config_ranges(cs, cfg)
    old_time = cs.alloc("old_time", lambda: given().old_time)
    oracle = alloc_oracle(cs, params.underlyings, lambda: given().oracle, "oracle_before")
    old_market = market_hash(cs, old_time, digest_of_config, oracle, "old_market_hash")
    time_monotonic(cs, old_time, time)
    digest = LC()
    for j in range(params.reports):
        name = f"report[{j}]"
        with cs.namespace(name):
            terms = alloc_instrument(cs, partial(_settled, given, j), "settled")
        slot = report_slot(cs, partial(_report_witness, given, j), oracle, time, cfg, terms, name=name)
        with cs.namespace(f"{name}/report_instrument"):
            bits = index_bits(cs, slot.instrument, params.instruments_depth, "id_bits")
            sibs = [cs.alloc(f"sib[{k}]", lambda j=j, k=k: given().reports[j].siblings[k])
                    for k in range(params.instruments_depth)]
            pin_unless(cs, slot.is_settlement, [*sibs, terms.kind.future, terms.kind.call, terms.kind.put,
                                                terms.underlying, terms.strike, terms.expiry, terms.settle_price],
                       "pin_unused")
            old_leaf = cs.mul(slot.is_settlement, instrument_leaf(cs, terms, name="old_hash"), "old_leaf")
            new_leaf = instrument_leaf(cs, terms, slot.settle_price, name="new_hash")
            old_root, new_root = merkle_update(cs, old_leaf, new_leaf, bits, sibs, "tree")
            instruments_root = chain_root(cs, slot.is_settlement, old_root, new_root, instruments_root)
        digest = market_digest_step(cs, digest, slot.report_hash, slot.real, f"{name}/market_digest")
        oracle = slot.oracle
    oracle_freshness(cs, oracle, time, cfg.max_age)
    return MarketSection(cfg, digest_of_config, old_market, oracle, instruments_root, digest)
