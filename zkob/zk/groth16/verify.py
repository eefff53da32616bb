"""Groth16 verification: the light-client verifier (zk/verifier.py) under its verb's name.

One implementation only, so the CLI, the library and light clients accept
exactly the same proofs. See zk/verifier.py for the equation and the
rejections; ``verify`` returns a Verdict and never raises for bad input.
"""

from __future__ import annotations

from ..verifier import Verdict, parse_all, verify, verify_json

__all__ = ["Verdict", "parse_all", "verify", "verify_json"]
