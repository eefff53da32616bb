"""The order-book state machine of docs/protocol.md sections 3 to 5.

Modules: ``protocol`` (the op table, public inputs and rule names: every
protocol fact the other layers import), ``params`` (deployment
parameters), ``smt`` (sparse Merkle trees), ``ops`` / ``batchfile``
(operations, their canonical encoding and strict batch-file parsing),
``digest`` (batch commitment, bridge digest and bridge record), ``trace``
(the witness contract the circuit consumes), ``rules`` (one function per
op), ``transition`` (trace/apply a batch on an overlay), ``kv`` (typed
tables, sources, the overlay), ``store`` (SQLite persistence and the batch
log), ``api`` (create, open, apply, replay), ``lightclient`` (following
proofs from a trusted root), ``signing``, ``matching`` (the demo's
engine), ``vectors`` (vectors/state.json content). Nothing here imports
above ``zkob.zk``.
"""
