"""One module per command; each exposes ``command`` (a click.Command or Group).

cli/main.py lists them in ``COMMANDS``. A command parses its options, calls
the layers below (pipeline/, state/, zk/) and prints results on stdout; it
raises ZkobError (or lets one through) to stop, and cli/main.py reports it.
"""
