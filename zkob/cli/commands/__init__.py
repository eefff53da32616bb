"""One module per command; each exposes ``command`` (a click.Command or Group).

cli/main.py discovers the modules here, so adding a command never edits a
shared file.
"""
