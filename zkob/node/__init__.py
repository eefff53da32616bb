"""The venue's sequencer as a service (issue 18): signed ops in over HTTP, a durable ordered log,
batches proven and published, replicas and light clients syncing from it.

Modules, lowest first: ``protocol`` (the node's edge with the op table and batch files), ``log``
(DIR/node.sqlite and DIR's lock), ``book`` (price-time priority), ``sequencer`` (the open batch,
checks, matching, cuts), ``prover`` (proofs in order, DIR/batches/NNNNNN/), ``views`` and
``explorer`` (what GET / and /v1/batches show), ``app`` (the Starlette routes), ``server``
(``serve``: threads, uvicorn, signals, logging) and ``client`` (httpx: post, follow, replicate).
docs/node.md describes the API and the sequencing semantics.
"""
