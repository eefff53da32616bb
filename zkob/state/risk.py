"""Native risk for display and policy: Black-76 mark, delta, gamma and vega. Never proven.

The circuit enforces a margin floor without an option's time value
(margin.py); a venue still wants to see marks and Greeks (``zkob risk``,
the demo's table). Black-76 prices a European option on a forward F,
here the underlying's index price:

    d1 = (ln(F / K) + sigma^2 T / 2) / (sigma sqrt(T)),   d2 = d1 - sigma sqrt(T)
    call = D (F N(d1) - K N(d2))        put = D (K N(-d2) - F N(-d1))      D = exp(-r T)
    delta_call = D N(d1)   delta_put = -D N(-d1)
    gamma = D n(d1) / (F sigma sqrt(T))   vega = D F n(d1) sqrt(T)   (per unit of sigma)

with N the standard normal distribution, n its density, T in years
(seconds / 31,536,000), sigma the volatility the user gives and r an
optional discount rate. At or after expiry (or with sigma 0) an option is
worth its intrinsic value, delta is 0 or +-1 and gamma = vega = 0. A future
is worth F per contract with delta 1. Position figures are per contract
times the signed size.

Floats from the ``math`` module only (no numpy or scipy), so importing it
is free; about 10 us per option.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .instruments import CALL, FUTURE, PUT
from .positions import Position

SECONDS_PER_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Greeks:
    """Mark (value) and its sensitivities to F (delta, gamma) and to sigma (vega)."""

    mark: float
    delta: float
    gamma: float
    vega: float

    def scaled(self, size: int) -> "Greeks":
        return Greeks(self.mark * size, self.delta * size, self.gamma * size, self.vega * size)


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def black76(kind: int, forward: float, strike: float, years: float, vol: float, rate: float = 0.0) -> Greeks:
    """Per-contract Black-76 figures of a call or put (kind 2 or 3); a future (kind 1) is F, delta 1."""
    if kind == FUTURE:
        return Greeks(float(forward), 1.0, 0.0, 0.0)
    if kind not in (CALL, PUT):
        raise ValueError(f"unknown instrument kind {kind}")
    if forward <= 0 or strike <= 0 or vol < 0:
        raise ValueError("Black-76 needs a positive forward and strike and a non-negative volatility")
    sign = 1.0 if kind == CALL else -1.0
    if years <= 0 or vol == 0:
        discount = math.exp(-rate * max(years, 0.0))
        intrinsic = max(0.0, sign * (forward - strike))
        delta = sign if intrinsic > 0 else 0.0
        return Greeks(discount * intrinsic, discount * delta, 0.0, 0.0)
    discount = math.exp(-rate * years)
    root = vol * math.sqrt(years)
    d1 = (math.log(forward / strike) + 0.5 * vol * vol * years) / root
    d2 = d1 - root
    # never below 0: far out of the money the two terms cancel to a rounding error of either sign
    mark = max(0.0, discount * sign * (forward * normal_cdf(sign * d1) - strike * normal_cdf(sign * d2)))
    delta = discount * sign * normal_cdf(sign * d1)
    gamma = discount * normal_pdf(d1) / (forward * root)
    vega = discount * forward * normal_pdf(d1) * math.sqrt(years)
    return Greeks(mark, delta, gamma, vega)


def position_risk(position: Position, price: int, time: int, vol: float, rate: float = 0.0) -> Greeks:
    """The figures of a whole position (per contract times size) at index price ``price`` and ``time``."""
    years = (position.expiry - time) / SECONDS_PER_YEAR
    per_contract = black76(position.kind, float(price), float(position.strike), years, vol, rate)
    return per_contract.scaled(position.size)
