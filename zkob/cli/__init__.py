"""The ``zkob`` command line: click + rich, glue only (DESIGN.md section 1)."""
