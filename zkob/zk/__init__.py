"""Proof-system layer: fields, curves, Poseidon, R1CS, Groth16, formats.

Knows nothing of order books (docs/protocol.md sections 2, 6 and 7). The light-client verifier path imports only
py_ecc and the standard library.
"""
