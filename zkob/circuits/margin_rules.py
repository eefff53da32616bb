"""The margin rules of dfill and liquidate, as gated assertions over the margin gadget's outputs.

DESIGN.md section 10, with the rule names the state machine uses:

    margin_im         after a dfill, each party meets IM, or its position in the
                      instrument shrank without changing sign (0 counts) and it
                      is not below MM; the liquidator meets IM after a liquidation
    not_liquidatable  before a liquidation the account is below MM
    liq_worsens       the liquidated account's deficit MM_bp - 10^4 Equity does not grow

Natively these are one line each over state/margin.py and
state/positions.shrinks_toward_zero; here they read the booleans and
deficits of circuits/margin.py and gadgets/signed.shrinks_toward_zero, so
that one margin evaluation per account serves every rule of its op. Each
binds only when ``enabled`` (the op type's selector) is 1.

Costs: margin_im 3 (with ``shrinks``) or 1, not_liquidatable 1,
liq_worsens 130 (the gated difference of two deficits, below 2^127 in
absolute value, range-checked to 128 bits).
"""

from __future__ import annotations

from .cs import ConstraintSystem, Operand, as_lc
from .gadgets.compare import assert_le_if
from .margin import MARGIN_BITS


def margin_im(cs: ConstraintSystem, enabled: Operand, meets_im: Operand, below_mm: Operand | None = None,
              shrinks: Operand | None = None, name: str = "margin_im") -> None:
    """meets_im, or (shrinks and not below_mm) when both are given, whenever enabled."""
    ok = as_lc(meets_im)
    if shrinks is not None and below_mm is not None:
        with cs.namespace(name):
            reduced = cs.mul(shrinks, 1 - as_lc(below_mm), "reduced")
            ok = ok + cs.mul(1 - ok, reduced, "or")
    cs.enforce(enabled, 1 - ok, 0, name)


def not_liquidatable(cs: ConstraintSystem, enabled: Operand, below_mm_before: Operand,
                     name: str = "not_liquidatable") -> None:
    """The account is below MM before the liquidation, whenever enabled. Costs 1."""
    cs.enforce(enabled, 1 - as_lc(below_mm_before), 0, name)


def liq_worsens(cs: ConstraintSystem, enabled: Operand, deficit_before: Operand, deficit_after: Operand,
                name: str = "liq_worsens") -> None:
    """deficit_after <= deficit_before, whenever enabled. Costs 130.

    Both deficits come from circuits/margin.deficit_bp (|d| < 2^126), so
    their difference is below 2^127 and a negative one wraps far above 2^128.
    """
    assert_le_if(cs, enabled, deficit_after, deficit_before, MARGIN_BITS, name)
