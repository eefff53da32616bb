"""Anchoring proofs on an EVM base layer (DESIGN.md section 12).

Generators of EVM code and Solidity sources, and Python drivers for them:

    evmasm.py         a small EVM assembler that tracks the stack by name
    poseidon_evm.py   circomlib's Poseidon as raw EVM code (parts of <= 24 KB)
    verifier_sol.py   a Groth16 verifier contract for one verification key
    rollup_sol.py     ZkobRollup.sol and the test token from templates
    record.py         the bridge record as submitBatch takes it
    calldata.py       calldata for verifyProof and submitBatch
    keccak.py, abi.py Keccak-256 and the ABI encoding the calldata needs
    solc.py           compiles sources with solc-js from node_oracle/
    evm.py            a py-evm test chain (test extra)
    rollup.py         deploys the contracts on a chain and drives them

Imports: zkob.zk and zkob.state only (never circuits or cli).
"""
