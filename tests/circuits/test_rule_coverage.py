"""Every rule of state/protocol.RULES has a cheating-witness test of the batch circuit (coverage.covers).

A rule added to the state machine without its constraint and test fails
here. NOT_YET lists rules whose constraints exist but whose cheating-witness
test is still to write; it is empty since every v2 rule got one
(test_soundness_derivatives.py) and may only stay empty or shrink.
"""

from __future__ import annotations

from zkob.state.protocol import RULES

from . import test_soundness, test_soundness_derivatives  # noqa: F401  (registers their @covers)
from .coverage import COVERED

NOT_YET: frozenset[str] = frozenset()


def test_every_rule_has_a_cheating_witness_test_or_is_listed_as_not_yet():
    assert len(RULES) >= 57
    assert sorted(RULES.keys() - COVERED.keys() - NOT_YET) == []


def test_not_yet_only_lists_uncovered_rules_of_the_protocol():
    assert sorted(NOT_YET - RULES.keys()) == []
    assert sorted(NOT_YET & COVERED.keys()) == []


def test_every_v1_rule_stays_covered():
    v1 = {'account_exists', 'amount_positive', 'insufficient_balance', 'balance_overflow', 'slot_free',
          'side_value', 'signature_invalid', 'id_range', 'cash_negative', 'order_kind'}
    assert sorted((v1 & RULES.keys()) - COVERED.keys()) == []
