"""The ``zkob`` command line: click + rich, glue only (docs/protocol.md section 1)."""
