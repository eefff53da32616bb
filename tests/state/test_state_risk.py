"""Black-76 marks and Greeks (display only) against textbook values, parity and finite differences."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.positions import Position
from zkob.state.risk import SECONDS_PER_YEAR, black76, position_risk


def test_haug_textbook_value():
    """Haug, Option Pricing Formulas: F = X = 19, T = 0.75, r = 10%, sigma = 28%: c = p = 1.7011."""
    assert black76(CALL, 19, 19, 0.75, 0.28, 0.10).mark == pytest.approx(1.7011, abs=1e-4)
    assert black76(PUT, 19, 19, 0.75, 0.28, 0.10).mark == pytest.approx(1.7011, abs=1e-4)


def test_hull_textbook_value():
    """Hull, futures option: F = K = 20, r = 9%, T = 4 months, sigma = 25%: 1.12."""
    assert black76(PUT, 20, 20, 4 / 12, 0.25, 0.09).mark == pytest.approx(1.12, abs=5e-3)


@given(st.floats(10, 500), st.floats(10, 500), st.floats(0.01, 3), st.floats(0.05, 1.5), st.floats(0, 0.2))
@settings(max_examples=50, deadline=None)
@example(61.0, 408.0, 0.5, 0.328125, 0.0)  # far out of the money: the call's mark rounded to -2e-15 before the clamp
def test_put_call_parity(forward, strike, years, vol, rate):
    call, put = (black76(k, forward, strike, years, vol, rate) for k in (CALL, PUT))
    discount = math.exp(-rate * years)
    assert call.mark - put.mark == pytest.approx(discount * (forward - strike), rel=1e-9, abs=1e-9)
    assert call.delta - put.delta == pytest.approx(discount, abs=1e-12)
    assert call.gamma == pytest.approx(put.gamma) and call.vega == pytest.approx(put.vega)
    assert 0 <= call.mark and 0 <= put.mark


@pytest.mark.parametrize("kind", [CALL, PUT])
def test_greeks_are_the_marks_derivatives(kind):
    f, k, t, v, r, h = 100.0, 95.0, 0.5, 0.3, 0.02, 1e-3
    g = black76(kind, f, k, t, v, r)
    up, down = black76(kind, f + h, k, t, v, r), black76(kind, f - h, k, t, v, r)
    assert g.delta == pytest.approx((up.mark - down.mark) / (2 * h), rel=1e-6)
    assert g.gamma == pytest.approx((up.mark - 2 * g.mark + down.mark) / h**2, rel=1e-4)
    vup, vdown = black76(kind, f, k, t, v + h, r), black76(kind, f, k, t, v - h, r)
    assert g.vega == pytest.approx((vup.mark - vdown.mark) / (2 * h), rel=1e-6)


def test_expired_or_zero_vol_is_intrinsic():
    assert black76(CALL, 110, 100, 0, 0.3) == black76(CALL, 110, 100, -1, 0.3)
    g = black76(CALL, 110, 100, 0, 0.3)
    assert (g.mark, g.delta, g.gamma, g.vega) == (10.0, 1.0, 0.0, 0.0)
    g = black76(PUT, 110, 100, 1, 0.0)
    assert (g.mark, g.delta) == (0.0, 0.0)
    assert black76(PUT, 90, 100, 1, 0.0).delta == -1.0


def test_futures_and_positions():
    assert black76(FUTURE, 123, 0, 1, 0.5).mark == 123.0
    short_calls = Position(1, CALL, 0, 19, 1000 + int(0.75 * SECONDS_PER_YEAR), -4)
    g = position_risk(short_calls, 19, 1000, 0.28, 0.10)
    assert g.mark == pytest.approx(-4 * 1.7011, abs=4e-4)
    assert g.delta == pytest.approx(-4 * black76(CALL, 19, 19, 0.75, 0.28, 0.10).delta)
    fut = position_risk(Position(2, FUTURE, 0, 0, 5000, 3), 50, 1000, 0.2)
    assert (fut.mark, fut.delta, fut.gamma) == (150.0, 3.0, 0.0)


def test_bad_inputs():
    for args in ((CALL, 0, 1, 1, 0.2), (PUT, 1, 0, 1, 0.2), (CALL, 1, 1, 1, -0.1), (7, 1, 1, 1, 0.2)):
        with pytest.raises(ValueError):
            black76(*args)


def test_import_pulls_in_no_numpy_or_scipy():
    code = "import sys, zkob.state.risk; print([m for m in ('numpy', 'scipy') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
