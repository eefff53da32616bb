"""Entry point of the ``zkob`` console script.

Commands live one per module in cli/commands/ and are discovered here.
Any exception that escapes a command becomes a one-line message and exit
code 2 (a traceback only with ZKOB_DEBUG=1).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from .. import __version__
from . import commands
from .console import EXIT_BAD_INPUT, debug_enabled, fail


def _load_commands(group: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            group.add_command(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkob")
def cli() -> None:
    """zkob: prove in zero knowledge that a batch of order-book updates moved
    an exchange's committed state from root A to root B."""


_load_commands(cli)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="zkob", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted", EXIT_BAD_INPUT)
    except Exception as exc:  # the last line of defence: no traceback for users
        if debug_enabled():
            raise
        fail(f"{type(exc).__name__}: {exc}", EXIT_BAD_INPUT)


if __name__ == "__main__":
    main(sys.argv[1:])
