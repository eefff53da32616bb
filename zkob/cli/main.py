"""Entry point of the ``zkob`` console script: the command list and the one error boundary.

Commands live one per module in cli/commands/ and are registered here, in
``COMMANDS``, by hand: adding a command is one import and one entry.

Errors are handled once, in ``ZkobGroup.invoke`` (so ``main()`` and
click's test runner see the same behaviour): a ``ZkobError`` prints
``error: <one line>`` and exits with its ``exit_code`` (1 refused, 2 bad
input, zk/errors.py), an OSError is bad input naming the file, and any
other exception is a bug: "internal error (ZKOB_DEBUG=1 shows the
traceback)" and exit 3. With ZKOB_DEBUG=1 an internal error shows its
traceback instead.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import __version__
from ..zk.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, ZkobError
from .commands import (anchor, apply, circuit, client, demo, export, follow, hash, init, keygen, oracle, prove,
                       replay, replica, risk, root, serve, setup, show, sign, vectors, verify, worker, zkey)
from .console import debug_enabled, fail

COMMANDS: tuple[click.Command, ...] = (
    init.command, root.command, show.command, risk.command, keygen.command, sign.command, oracle.command,
    apply.command,
    setup.command, prove.command, verify.command, follow.command, replay.command,
    export.command, circuit.command, hash.command, vectors.command, demo.command, anchor.command,
    worker.command, zkey.command, serve.command, replica.command, client.command,
)

INTERNAL = "internal error (ZKOB_DEBUG=1 shows the traceback)"


class ZkobGroup(click.Group):
    """A click group whose commands end in one place: results, or one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors, --help, Ctrl-C: click reports them itself
        except ZkobError as exc:
            fail(exc, exc.exit_code)
        except OSError as exc:
            fail(exc, EXIT_BAD_INPUT)
        except Exception as exc:  # a bug: say so, never "bad input", never a traceback unless asked
            if debug_enabled():
                raise
            fail(f"{INTERNAL}: {type(exc).__name__}: {exc}", EXIT_INTERNAL)


@click.group(cls=ZkobGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkob")
def cli() -> None:
    """zkob: prove in zero knowledge that a batch of order-book updates moved
    an exchange's committed state from root A to root B."""


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="zkob", standalone_mode=True)


if __name__ == "__main__":
    main(sys.argv[1:])
