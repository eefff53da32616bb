"""The v2 config (DESIGN.md sections 9, 10): defaults, strict parsing, bounds, hashes."""

from __future__ import annotations

import json

import pytest

from zkob.state.config import CONFIG_NAMES, Config, config_from_json, default_quorum, keys_hash
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import private_to_public
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

KEYS = tuple(private_to_public(bytes([k + 1]) * 32) for k in range(3))


def keys_json(keys=KEYS):
    return [[str(x), str(y)] for x, y in keys]


def parse(**given):
    return config_from_json(given, assets_depth=4, draw_venue=lambda: 99)


def test_defaults_are_designs():
    cfg = parse()
    assert (cfg.oracle_keys, cfg.quorum, cfg.collateral) == ((), 1, 1)
    assert (cfg.im_future, cfg.mm_future, cfg.opt_a, cfg.opt_b, cfg.opt_mm, cfg.liq_band) == \
        (1000, 500, 1500, 1000, 750, 300)
    assert (cfg.max_age, cfg.venue_id) == (60, 99)


@pytest.mark.parametrize("n,q", [(0, 1), (1, 1), (2, 2), (3, 2), (5, 2)])
def test_default_quorum_is_min_2_n_or_1(n, q):
    assert default_quorum(n) == q
    keys = tuple(private_to_public(bytes([k + 7]) * 32) for k in range(n))
    assert Config(oracle_keys=keys).quorum == q


def test_missing_venue_is_drawn_and_a_named_one_kept():
    drawn = []
    cfg = config_from_json({}, draw_venue=lambda: drawn.append(1) or 12345)
    assert cfg.venue_id == 12345 and drawn == [1]
    assert config_from_json({"venue_id": str(R - 1)}, draw_venue=lambda: 1 / 0).venue_id == R - 1


def test_hashes_follow_design():
    cfg = parse(oracle_keys=keys_json(), quorum=2, venue_id="77")
    flat = [c for k in KEYS for c in k]
    assert keys_hash(KEYS) == poseidon(flat) == cfg.keys_hash()
    assert keys_hash(()) == 0
    assert cfg.config_hash() == poseidon([poseidon(flat), 2, 1, 1000, 500, 1500, 1000, 750, 300, 60, 77])


def test_json_round_trip_and_every_name_changes_the_hash():
    cfg = parse(oracle_keys=keys_json(), quorum=3, collateral=2, opt_a=2000, venue_id="5")
    text = json.dumps(cfg.to_json())
    again = config_from_json(json.loads(text), draw_venue=lambda: 1 / 0)
    assert again == cfg and set(cfg.to_json()) == set(CONFIG_NAMES)
    hashes = {cfg.config_hash()}
    for name in CONFIG_NAMES:
        if name == "oracle_keys":
            other = parse(oracle_keys=keys_json(KEYS[:2]) + keys_json(KEYS[2:]), quorum=3, collateral=2,
                          opt_a=2000, venue_id="5")
            assert other == cfg  # same keys, same order: same config
            other = parse(oracle_keys=keys_json((KEYS[1], KEYS[0], KEYS[2])), quorum=3, collateral=2,
                          opt_a=2000, venue_id="5")
        else:
            data = cfg.to_json()
            data[name] = str(int(data[name]) - 1) if name == "quorum" else str(int(data[name]) + 1)
            other = config_from_json(data)
        hashes.add(other.config_hash())
    assert len(hashes) == 1 + len(CONFIG_NAMES)


BAD = [
    ({"quorom": 2}, "config.quorom", "unknown name"),
    ({"oracle_keys": "none"}, "config.oracle_keys", "list"),
    ({"oracle_keys": keys_json() * 2}, "config.oracle_keys", "at most 5"),
    ({"oracle_keys": [keys_json()[0], keys_json()[0]]}, "config.oracle_keys[1]", "repeats key 0"),
    ({"oracle_keys": [["1", "2"]]}, "config.oracle_keys[0]", "not on Baby Jubjub"),
    ({"oracle_keys": [[str(bj.IDENTITY[0]), str(bj.IDENTITY[1])]]}, "config.oracle_keys[0]", "identity"),
    ({"oracle_keys": [[str(c) for c in bj.add(bj.B8, (0, R - 1))]]}, "config.oracle_keys[0]", "subgroup"),
    ({"oracle_keys": [[1, 2, 3]]}, "config.oracle_keys[0]", "[x, y]"),
    ({"quorum": 0}, "config.quorum", "[1, 1]"),
    ({"quorum": 2}, "config.quorum", "[1, 1]"),
    ({"oracle_keys": keys_json(), "quorum": 4}, "config.quorum", "[1, 3]"),
    ({"im_future": 100001}, "config.im_future", "[0, 100000]"),
    ({"liq_band": -1}, "config.liq_band", "negative"),
    ({"opt_mm": 1.5}, "config.opt_mm", "float"),
    ({"opt_b": True}, "config.opt_b", "boolean"),
    ({"max_age": 1 << 32}, "config.max_age", "[0, 4294967295]"),
    ({"max_age": "060"}, "config.max_age", "leading zero"),
    ({"venue_id": str(R)}, "config.venue_id", "field modulus"),
    ({"venue_id": 2**60}, "config.venue_id", "decimal strings"),
    ({"collateral": 16}, "config.collateral", "outside the balances tree"),
]


@pytest.mark.parametrize("given,field,why", BAD)
def test_bad_configs_are_refused_with_one_named_line(given, field, why):
    with pytest.raises(MalformedInput) as err:
        config_from_json(given, assets_depth=4, draw_venue=lambda: 1)
    assert err.value.field == field and why in err.value.reason, str(err.value)
    assert "\n" not in str(err.value)


def test_just_inside_the_bounds_is_accepted():
    cfg = parse(oracle_keys=keys_json(), quorum=3, collateral=15, im_future=100000, liq_band=0,
                max_age=(1 << 32) - 1)
    assert (cfg.quorum, cfg.collateral, cfg.im_future, cfg.liq_band, cfg.max_age) == \
        (3, 15, 100000, 0, (1 << 32) - 1)
    assert parse(collateral=0).collateral == 0


def test_not_an_object():
    with pytest.raises(MalformedInput, match="JSON object"):
        config_from_json([], draw_venue=lambda: 1)


def test_direct_construction_is_checked_too():
    with pytest.raises(MalformedInput, match="config.opt_a"):
        Config(opt_a=10**5 + 1)
