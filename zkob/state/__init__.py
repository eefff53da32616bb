"""The order-book state machine of DESIGN.md sections 3, 4 and 8.

Modules: ``params`` (deployment parameters), ``smt`` (sparse Merkle trees),
``ops`` / ``batchfile`` (operations, their canonical encoding and strict
batch-file parsing), ``digest`` (batch commitment and bridge digest),
``trace`` (the witness contract the circuit consumes), ``rules`` (one
function per op), ``transition`` (trace/apply a batch on an overlay),
``store`` (SQLite persistence and the batch log), ``api`` (create,
open, apply, replay), ``vectors`` (vectors/state.json content). Nothing
here imports above ``zkob.zk``.
"""
