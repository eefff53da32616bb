"""``zkob init DIR [--config FILE.json]``: create a fresh state directory with its parameters and config."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out

#: option name -> parameter name (the depth options of version 1 still work)
SIZE_OPTIONS = ("accounts_depth", "orders_depth", "assets_depth", "batch_size")


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A JSON object of any parameter (accounts_depth, ..., underlyings, instruments_depth, positions, "
                   "reports, derivatives_slots) and config name (oracle_keys, quorum, collateral, im_future, "
                   "mm_future, opt_a, opt_b, opt_mm, liq_band, max_age, venue_id); the rest take their defaults.")
@click.option("--accounts-depth", type=int, help="Depth D_A of the accounts tree (1..32; default 20).")
@click.option("--orders-depth", type=int, help="Depth D_O of the orders tree (1..32; default 20).")
@click.option("--assets-depth", type=int, help="Depth D_B of each balances tree (1..32; default 8).")
@click.option("--batch-size", type=int, help="Op slots per batch K (noop-padded; default 4).")
def command(directory: Path, config_file: Path | None, **sizes: int | None) -> None:
    """Create an empty venue state in DIRECTORY (which must not exist or be empty).

    Without a venue_id in the config, one is drawn at random: signatures
    made for this venue are then refused by every other.
    """
    from ...state.api import close_state, create_state, new_state
    from ...state.params import params_from_object
    from ...zk.errors import ZkobError
    from ...zk.strict_json import load_json

    obj: dict[str, object] = {}
    if config_file is not None:
        try:
            raw = config_file.read_bytes()
        except OSError as exc:
            raise ZkobError(f"{config_file}: cannot read: {exc.strerror or exc}") from None
        loaded = load_json(raw, str(config_file))
        if not isinstance(loaded, dict):
            raise ZkobError(f"{config_file}: expected a JSON object of parameter and config names")
        obj = dict(loaded)
    for name, value in sizes.items():
        if value is None:
            continue
        if name in obj:
            raise ZkobError(f"{name} is given both as --{name.replace('_', '-')} and in {config_file}")
        obj[name] = value
    params = params_from_object(obj)
    p, cfg = params, params.config
    lines = [f"created {directory} (protocol version 2; " + " ".join(f"{k}={v}" for k, v in p.sizes().items()) + ")",
             f"config: {cfg.n_keys} oracle key(s), quorum {cfg.quorum}, collateral asset {cfg.collateral}, "
             f"max_age {cfg.max_age} s, venue_id {cfg.venue_id}",
             f"root {new_state(params).root}"]  # the empty state's root, computed before anything is written
    close_state(create_state(directory, params))
    for line in lines:
        out.print(line, markup=False)
