"""Cheating witnesses against the v2 rules (derivatives ops in the full slot, time): refused at their label.

As test_soundness.py: a valid trace of scenario.py with named free inputs
overridden, everything else recomputed; the first failing constraint names
the rule. test_rule_coverage.py lists the v2 rules still without one.
"""

from __future__ import annotations

from zkob.circuits.batch import prove_cs
from zkob.state.oracle import IndexReport, sign_report
from zkob.state.ops import DFill, Liquidate

from .cheat import cheat, report_sets
from .coverage import covers
from .scenario import FULL, P, VALID, assert_batch_unsat, index, trace


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


# -- the five named cases ------------------------------------------------------------------------
@covers('report_quorum')
def test_a_price_the_committee_did_not_sign_fails():
    """The batch's index report (u 0 at 101, signed by members 0 and 1) claimed at 102: no member signed that."""
    assert_batch_unsat(VALID["index_report"](), {"report[0]/price": 102}, "report[0]/report_quorum/sig[0]/eddsa/check/x")


@covers('report_quorum')
def test_a_price_signed_by_a_key_outside_the_committee_fails():
    """102 signed by two keys that are not members (a prover's own keys): the message is right, the keys not."""
    outsiders = (bytes([0x77]) * 32, bytes([0x78]) * 32)
    report = IndexReport(0, 102, 19)
    for k, key in enumerate(outsiders):
        report = sign_report(report, key, k)
    assert_batch_unsat(VALID["index_report"](), report_sets(report), "report[0]/report_quorum/sig[0]/eddsa/check/x")


@covers('report_quorum')
def test_one_signature_short_of_quorum_fails():
    """Q = 2: one member's signature given twice (same signer, same signature) is one signature, not two."""
    tr = VALID["index_report"]()
    first = index(0, 101, 19).sigs[0]
    twice = {"report[0]/sig[1]/signer": first.signer, "report[0]/sig[1]/R8_x": first.sig.R8[0],
             "report[0]/sig[1]/R8_y": first.sig.R8[1], "report[0]/sig[1]/S": first.sig.S}
    assert_batch_unsat(tr, twice, "report[0]/report_quorum/order[1]/range/sum")
    # member 1's slot without member 1's signature (member 0's copied in): refused at the signature
    copied = {k: v for k, v in twice.items() if not k.endswith("signer")}
    assert_batch_unsat(tr, copied, "report[0]/report_quorum/sig[1]/eddsa/check/x")


@covers('price_stale')
def test_a_margin_check_on_a_stale_price_fails():
    """The dfill's batch claimed at time 70: u 0's price (time 4) is 66 > max_age 60 old when the buyer is checked."""
    assert_batch_unsat(VALID["dfill"](), {"time": 70}, f"op[{FULL}]/margin_eval/acct[0]/after/slot[0]/price_stale")


@covers('not_liquidatable')
def test_liquidating_an_account_exactly_at_mm_fails():
    """u 0 at 88 (signed by the committee) puts account 1 exactly at MM: not below it, so not liquidatable.

    The liquidator signs a price within liq_band of 88, so the only rule
    broken is not_liquidatable (the honest state machine refuses it by that
    rule); at 87 the same liquidation is valid and its witness satisfies.
    """
    op = Liquidate(1, 3, 1, 2, 88)
    tr = cheat(("not_liquidatable",), op, reports=(index(0, 88, 20),))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/liquidate/not_liquidatable")
    assert prove_cs(P, trace(op, reports=(index(0, 87, 20),))).first_failure is None


@covers('margin_im')
def test_a_fill_leaving_the_buyer_one_unit_below_im_fails():
    """dfill 5 into 4 for all 3: account 1 (long 8 futures then) ends one unit below IM."""
    tr = cheat(("margin_im",), DFill(5, 4, 3))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/acct[0]/margin_im")
