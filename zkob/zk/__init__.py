"""Proof-system layer: fields, curves, Poseidon, R1CS, Groth16, formats.

Knows nothing of order books. The light-client verifier path imports only
py_ecc and the standard library.
"""
