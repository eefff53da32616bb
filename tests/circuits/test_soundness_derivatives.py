"""Cheating witnesses against the v2 rules (derivatives ops in the full slot, time): refused at their label.

As test_soundness.py: a valid trace of scenario.py with named free inputs
overridden, everything else recomputed; the first failing constraint names
the rule. test_rule_coverage.py lists the v2 rules still without one.
"""

from __future__ import annotations

from .coverage import covers
from .scenario import FULL, VALID, assert_batch_unsat


@covers('self_trade')
def test_a_dfill_between_two_orders_of_one_account_fails():
    """dfill 5 (account 2) into 4 (account 1): a maker leaf claiming account 2 trades with itself."""
    assert_batch_unsat(VALID["dfill"](), {f"op[{FULL}]/ord[1]/old/account": 2}, f"op[{FULL}]/dfill/self_trade/inv")


@covers('self_liquidation')
def test_a_liquidator_cannot_liquidate_itself():
    """liquidate(account 1, liquidator 3, ...) rewritten with liquidator 1."""
    assert_batch_unsat(VALID["liquidate"](), {f"op[{FULL}]/f2": 1}, f"op[{FULL}]/liquidate/self_liquidation/inv")


@covers('time_monotonic')
def test_the_batch_time_cannot_go_back():
    """The book's last batch ran at time 18: a batch claiming 17 fails before anything else."""
    assert_batch_unsat(VALID["deposit"](), {"time": 17}, "time_monotonic/not_before/sum")
