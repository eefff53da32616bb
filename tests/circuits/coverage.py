"""Which cheating-witness test covers which rule of state/protocol.RULES (read by test_rule_coverage.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])
COVERED: dict[str, list[str]] = {}


def covers(*rules: str) -> Callable[[F], F]:
    """Mark a test as the batch circuit's cheating-witness test of these state-machine rules (Rejected.rule)."""
    def mark(fn: F) -> F:
        for rule in rules:
            COVERED.setdefault(rule, []).append(f"{fn.__module__}.{getattr(fn, '__name__', '?')}")
        return fn
    return mark
