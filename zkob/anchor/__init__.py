"""Anchoring proofs on an EVM base layer (DESIGN.md section 12).

Generators of EVM code and Solidity sources, and Python drivers for them:

    evmasm.py         a small EVM assembler that tracks the stack by name
    poseidon_evm.py   circomlib's Poseidon as raw EVM code (parts of <= 24 KB)
    verifier_sol.py   a Groth16 verifier contract for one verification key
    layout.py         where the contract finds each public input (protocol v1 or v2)
    rollup_sol.py     ZkobRollup.sol and the test token from templates in contracts/
    record.py         the bridge record as submitBatch takes it
    calldata.py       calldata for verifyProof and submitBatch from a prover's OUT/
    keccak.py, abi.py Keccak-256 and the ABI encoding the calldata needs
    solc.py           compiles sources with solc-js from node_oracle/
    evm.py            a py-evm test chain (test extra)
    rollup.py         deploys the contracts on a chain and drives them
    operator.py       which queued deposits a batch takes and which it refuses
    statement.py      a toy circuit with the rollup's public inputs (gas benchmarks, tests)

docs/anchor.md describes the contracts and the choices behind them.
Imports: zkob.zk and zkob.state only (never circuits or cli).
"""
