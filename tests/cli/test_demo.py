"""`zkob demo`: the options venue's whole life, proven batch by batch and followed by a light client."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner

from zkob.cli.demo_view import ACCOUNT_COLUMNS
from zkob.cli.main import cli
from zkob.pipeline.demo_venue import EXPIRY, LISTINGS, account_figures, script, venue_params
from zkob.state.api import apply_batch, new_state
from zkob.state.batchfile import parse_batch
from zkob.state.instruments import CALL, FUTURE, PUT, kind_from_json

DEFAULT = venue_params()  # the command's default sizes


def _flat(output: str) -> str:
    """The output as one line of words: panel borders and line wraps removed (rich wraps at 80 columns here)."""
    return " ".join(re.sub(r"[│╭╮╰╯]", " ", output).split())


def _story_checks(batches: list[dict]) -> None:
    """What the demo must show, read from the batch files themselves (ops and reports)."""
    ops = [op for b in batches for op in b["ops"]]
    kinds = Counter(op["op"] for op in ops)
    for name in ("deposit", "list", "margin", "dplace", "dfill", "liquidate", "settle"):
        assert kinds[name] >= 1, f"no {name} in the demo"
    listed = {(kind_from_json(op["kind"]), int(op["underlying"])) for op in ops if op["op"] == "list"}
    assert {k for k, _ in listed} == {FUTURE, CALL, PUT} and {u for _, u in listed} == {0, 1}
    assert {(CALL, 0), (CALL, 1), (PUT, 0), (PUT, 1)} <= listed  # calls and puts on both underlyings
    index = [(int(r["underlying"]), int(r["price"])) for b in batches for r in b["reports"] if r["report"] == "index"]
    moved = {u for u in {u for u, _ in index} if len({p for v, p in index if v == u}) > 1}
    assert moved == {0, 1}, "both prices must move"
    signers = {tuple(int(s["signer"]) for s in r["sigs"]) for b in batches for r in b["reports"]}
    assert signers == {(0, 1), (1, 2), (0, 2)}, "every pair of the committee signs some report"
    liquidation = next(b for b in batches if any(op["op"] == "liquidate" for op in b["ops"]))
    assert any(r["report"] == "index" for r in liquidation["reports"]), "the liquidation follows a price move"
    settled = [b for b in batches if any(op["op"] == "settle" for op in b["ops"])]
    assert settled and all(b["time"] >= EXPIRY for b in settled)
    held = {(int(op["account"]), int(op["instrument"])) for op in ops if op["op"] == "settle"}
    settlements = {int(r["instrument"]) for b in batches for r in b["reports"] if r["report"] == "settlement"}
    assert {i for _, i in held} == settlements


def test_the_script_is_a_valid_venue_life_ending_with_every_position_settled():
    """Applied by the state machine (no proofs): every batch accepted, the story's ops, nothing left open."""
    chapters, feed = script(DEFAULT)
    state = new_state(DEFAULT)
    batches, health = [], []
    liquidated = []
    for i, chapter in enumerate(chapters):
        batch = parse_batch(chapter.batch_json(i + 1), DEFAULT)
        trace = apply_batch(state, batch)
        batches.append(batch.to_json())
        health.append({f.name: f for f in account_figures(state)})
        liquidated += [t.margin[0] for t in trace.ops if t.op_type == "liquidate"]
    _story_checks(batches)
    assert liquidated and all(m.when == "before" and m.below_mm for m in liquidated), "liquidated below MM"
    assert len(feed) == sum(len(c.reports) for c in chapters)
    assert all(leaf.slots == (None,) * DEFAULT.positions for _, leaf in state.accounts())
    assert not list(state.orders()), "every order filled"
    ben = [h["Ben"] for h in health]
    assert any(f.positions for f in ben) and not ben[-1].positions
    assert sum(f.cash for f in health[-1].values()) == 50_000 + 2_500 + 1_500  # settlement conserves cash
    assert any(f.maintenance > 0 and f.health is not None for h in health for f in h.values())


@pytest.mark.parametrize("k, r, m", [(3, 3, 1), (4, 2, 2), (8, 8, 4)])
def test_the_script_fits_other_sizes(k, r, m):
    """Reports before the ops that need them, at most M per batch, ops packed into the slot kinds."""
    params = venue_params(k, r, m)
    chapters, _ = script(params)
    state = new_state(params)
    for i, chapter in enumerate(chapters):
        assert len(chapter.reports) <= m and 1 <= len(chapter.ops) <= k
        apply_batch(state, parse_batch(chapter.batch_json(i + 1), params))
    assert all(leaf.slots == (None,) * params.positions for _, leaf in state.accounts())


def test_the_listings_cover_calls_puts_and_a_future_on_two_underlyings():
    assert {(x.kind, x.underlying) for x in LISTINGS} >= {(FUTURE, 0), (CALL, 0), (PUT, 0), (CALL, 1), (PUT, 1)}


@pytest.mark.prove
@pytest.mark.slow
def test_demo_proves_every_batch_and_the_light_client_follows_them_all(tmp_path):
    keep = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--keep", str(keep)])
    assert result.exit_code == 0, result.output
    assert f"development keys made in {keep / 'keys'}" in _flat(result.output)
    dirs = sorted(p for p in keep.iterdir() if p.name.startswith("batch"))
    chapters, _ = script(DEFAULT)
    assert len(dirs) == len(chapters) >= 3
    batches = [json.loads((d / "batch.json").read_text()) for d in dirs]
    _story_checks(batches)
    for d in dirs:
        assert (d / "proof.json").is_file() and (d / "market.json").is_file()
    flat = _flat(result.output)
    assert f"accepted {len(dirs)} of {len(dirs)} proofs from genesis" in flat
    assert "equals the state's" in flat and "is refused: replay" in flat and "to the same root" in flat
    assert "below maintenance margin" in flat
    header = [line.split() for line in result.output.splitlines() if line.split()[:1] == ["account"]]
    assert header and all(h == list(ACCOUNT_COLUMNS) for h in header), header
    assert result.output.count("accounts after batch") == len(dirs)
    final = json.loads((dirs[-1] / "public.json").read_text())
    state_root = CliRunner().invoke(cli, ["root", str(keep / "state")]).output.strip()
    assert final[1] == state_root
    shown = CliRunner().invoke(cli, ["show", str(keep / "state")])
    assert shown.exit_code == 0 and f"height {len(dirs)}" in shown.output
    assert "Instruments (5)" in shown.output
    risk = CliRunner().invoke(cli, ["risk", str(keep / "state"), "--json"])
    assert risk.exit_code == 0, risk.output
    assert {int(a["account"]) for a in json.loads(risk.output)["accounts"]} >= {1, 2, 3}


def test_demo_refuses_a_non_empty_keep_directory(tmp_path):
    (tmp_path / "x").write_text("mine")
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty directory" in result.output
    assert (tmp_path / "x").read_text() == "mine"


def test_demo_refuses_more_full_slots_than_slots(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "d"), "--batch-size", "3",
                                      "--derivatives-slots", "4"])
    assert result.exit_code == 2 and "more than --batch-size" in result.output
    assert not (tmp_path / "d").exists()


@pytest.mark.prove
@pytest.mark.slow
def test_demo_refuses_keys_made_for_other_parameters(tmp_path, walkthrough_keys):
    keep = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--keep", str(keep), "--keys", str(walkthrough_keys)])
    assert result.exit_code == 2 and "parameters" in result.output.splitlines()[-1], result.output
    assert not list(keep.iterdir()), "nothing is left half-made"
