"""zkob: zero-knowledge proofs of order-book batch transitions (Groth16 over BN254).

Layers, imports pointing down only: ``cli -> circuits -> state -> zk``
(shared/docs/protocol.md section 1).
"""

__version__ = "0.1.0"
