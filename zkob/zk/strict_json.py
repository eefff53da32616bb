"""Strict JSON: one loader for every file zkob reads from outside.

Refuses duplicate keys (two readers could see two different values),
floats (amounts and field elements are integers), NaN and Infinity, and
raises MalformedInput naming the document, never a bare ValueError.
Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import MalformedInput

def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise MalformedInput(f"key {key!r}", "duplicate JSON key")
        out[key] = value
    return out


def _refuse_float(text: str) -> Any:
    raise MalformedInput("json", f"floating-point number {text[:40]!r} is not allowed")


def _refuse_constant(text: str) -> Any:
    raise MalformedInput("json", f"{text} is not allowed")


def load_json(text: str | bytes, what: str, floats_to_fields: bool = False) -> Any:
    """Parse JSON refusing duplicate keys, floats, NaN and Infinity; MalformedInput names ``what``.

    ``floats_to_fields`` lets floats through as Python floats for a caller
    whose field parser refuses them with the field's name (batch files).
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_float=float if floats_to_fields else _refuse_float, parse_constant=_refuse_constant)
    except MalformedInput as exc:
        raise MalformedInput(f"{what}: {exc.field}", exc.reason) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedInput(what, f"not valid JSON ({exc})") from None
