"""Groth16 over BN254, one module per verb: keys, setup, prove, verify, batch.

snarkjs-compatible: the QAP follows snarkjs's row convention and keys,
proofs and public inputs travel as snarkjs JSON (zk/formats).
"""
