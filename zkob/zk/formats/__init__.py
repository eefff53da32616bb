"""Outside file formats: snarkjs JSON (keys, proofs, public inputs) and iden3 binaries (.r1cs, .wtns).

Both modules import only the standard library, py_ecc and zkob.zk's light
modules, so the light-client verifier can use the JSON parsers.
"""
