"""The derivatives CLI through click's runner: oracle keygen/sign, sign, apply, risk and show on a venue.

The venue is the README's walkthrough up to the trades: an oracle committee
of two (quorum 2), a future and a call on underlying 0, alice long 10
futures and 1 call, bob short both, carol well funded. Each bad batch the
issue names (a wrong, stale or under-signed price, a liquidation of a
solvent account, a trade that breaks IM) gives one line naming the rule,
exit code 2, and leaves every file of the directory as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.api import opened

RUN = CliRunner()


def zkob(*args: object, code: int = 0):
    result = RUN.invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, (args, result.output, repr(result.exception))
    return result


def write(path: Path, ops: list[dict], time: int, reports: list | None = None) -> Path:
    path.write_text(json.dumps({"ops": ops, "time": time, **({"reports": reports} if reports else {})}))
    return path


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def dplace(order, account, instrument, side, price, qty) -> dict:
    return {"op": "dplace", "order": order, "account": account, "instrument": instrument, "side": side,
            "price": price, "qty": qty}


@pytest.fixture(scope="module")
def venue(tmp_path_factory) -> Path:
    """The walkthrough's venue at time 130 with prices at 2000 (d1..d4 of the README)."""
    base = tmp_path_factory.mktemp("venue")
    keys = {name: zkob(*(("oracle",) if name[0] == "o" else ()), "keygen", "-o", base / f"{name}.json").stdout
            for name in ("o1", "o2", "o3", "alice", "bob", "carol")}
    pub = {name: json.loads(text) for name, text in keys.items()}
    (base / "venue.json").write_text(json.dumps({"oracle_keys": [pub["o1"], pub["o2"]], "quorum": 2,
                                                 "derivatives_slots": 4, "underlyings": 2}))
    d = base / "dv"
    zkob("init", d, "--accounts-depth", 3, "--orders-depth", 3, "--assets-depth", 2, "--batch-size", 4,
         "--config", base / "venue.json")
    b = write(base / "d1.json", [{"op": "deposit", "account": a, "asset": 1, "amount": amount, "pubkey": pub[who]}
                                 for a, who, amount in ((1, "alice", 10000), (2, "bob", 10000), (3, "carol", 10**5))]
              + [{"op": "list", "instrument": 1, "kind": "future", "underlying": 0, "strike": 0, "expiry": 1000}], 100)
    for member in ("o1", "o2"):
        zkob("oracle", "sign", base / f"{member}.json", "index", d, b, "--underlying", 0, "--price", 2000, "-o", b)
    zkob("apply", d, b)
    b = write(base / "d2.json", [{"op": "list", "instrument": 2, "kind": "call", "underlying": 0, "strike": 2000,
                                  "expiry": 1000}] + [{"op": "margin", "account": a, "amount": amount}
                                                      for a, amount in ((1, 3000), (2, 3000), (3, 50000))], 110)
    for who in ("alice", "bob", "carol"):
        zkob("sign", base / f"{who}.json", d, b, "-o", b)
    zkob("apply", d, b)
    b = write(base / "d3.json", [dplace(1, 2, 1, "sell", 2000, 10), dplace(2, 1, 1, "buy", 2000, 10),
                                 {"op": "dfill", "taker": 2, "maker": 1, "qty": 10},
                                 dplace(3, 2, 2, "sell", 150, 1)], 120)
    for who in ("alice", "bob"):
        zkob("sign", base / f"{who}.json", d, b, "-o", b)
    zkob("apply", d, b)
    b = write(base / "d4.json", [dplace(4, 1, 2, "buy", 150, 1), {"op": "dfill", "taker": 4, "maker": 3, "qty": 1}],
              130)
    zkob("sign", base / "alice.json", d, b, "-o", b)
    zkob("apply", d, b)
    return d


@pytest.fixture
def dv(venue, tmp_path) -> Path:
    copy = tmp_path / "dv"
    shutil.copytree(venue, copy)
    for key in venue.parent.glob("*.json"):
        shutil.copy(key, tmp_path / key.name)
    return copy


def signed_index(dv: Path, name: str, price: int, time: int, members=("o1", "o2"), ts: int | None = None) -> Path:
    b = write(dv.parent / name, [{"op": "noop"}], time)
    for member in members:
        zkob("oracle", "sign", dv.parent / f"{member}.json", "index", dv, b, "--underlying", 0, "--price", price,
             "-o", b, *(("--ts", ts) if ts is not None else ()))
    return b


def rejected(dv: Path, batch: Path, rule: str) -> str:
    before = files(dv)
    result = zkob("apply", dv, batch, code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"rule {rule}" in lines[0], result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
    assert files(dv) == before
    return lines[0]


def test_the_venue_holds_the_walkthrough_positions(dv):
    with opened(dv) as state:
        assert state.market.time == 130 and state.market.oracle[0].price == 2000
        assert state.account(1).cash == 3000 - 20000 - 150 and state.account(2).cash == 3000 + 20000 + 150
        assert [(s.instrument, s.size) for s in state.account(2).slots if s] == [(1, -10), (2, -1)]


def test_a_wrong_price_is_rejected_by_quorum(dv):
    b = signed_index(dv, "wrong.json", 2200, 140)
    doc = json.loads(b.read_text())
    doc["reports"][0]["price"] = "2300"  # the signatures are over 2200
    b.write_text(json.dumps(doc))
    rejected(dv, b, "report_quorum")


def test_an_under_signed_price_is_rejected_and_a_quorum_accepted(dv):
    rejected(dv, signed_index(dv, "one.json", 2200, 140, members=("o1",)), "report_quorum")
    zkob("apply", dv, signed_index(dv, "two.json", 2200, 140))


def test_a_report_not_newer_than_the_stored_price_is_stale(dv):
    rejected(dv, signed_index(dv, "old.json", 2200, 140, ts=100), "report_stale")


def test_a_trade_on_a_price_older_than_max_age_is_refused(dv):
    b = write(dv.parent / "late.json", [dplace(5, 3, 1, "sell", 2000, 1), dplace(6, 1, 1, "buy", 2000, 1),
                                        {"op": "dfill", "taker": 6, "maker": 5, "qty": 1}], 100 + 61)
    for who in ("alice", "carol"):
        zkob("sign", dv.parent / f"{who}.json", dv, b, "-o", b)
    rejected(dv, b, "price_stale")


def test_a_trade_that_breaks_initial_margin_is_refused(dv):
    b = write(dv.parent / "im.json", [dplace(5, 2, 1, "sell", 2000, 5), dplace(6, 3, 1, "buy", 2000, 5),
                                      {"op": "dfill", "taker": 6, "maker": 5, "qty": 5}], 140)
    for who in ("bob", "carol"):
        zkob("sign", dv.parent / f"{who}.json", dv, b, "-o", b)
    line = rejected(dv, b, "margin_im")
    assert "op 2 (dfill)" in line


def test_liquidating_a_solvent_account_is_refused_and_an_insolvent_one_accepted(dv):
    b = write(dv.parent / "liq.json", [{"op": "liquidate", "account": 2, "liquidator": 3, "instrument": 1,
                                        "qty": 5, "price": 2000}], 140)
    zkob("sign", dv.parent / "carol.json", dv, b, "-o", b)
    rejected(dv, b, "not_liquidatable")
    zkob("apply", dv, signed_index(dv, "move.json", 2200, 140))
    b = write(dv.parent / "liq2.json", [{"op": "liquidate", "account": 2, "liquidator": 3, "instrument": 1,
                                         "qty": 5, "price": 2266}], 150)
    zkob("sign", dv.parent / "carol.json", dv, b, "-o", b)
    zkob("apply", dv, b)
    with opened(dv) as state:
        assert state.account(2).cash == 23150 - 5 * 2266 and state.account(3).cash == 50000 + 5 * 2266


def test_risk_shows_the_margin_figures_by_hand(dv):
    zkob("apply", dv, signed_index(dv, "move.json", 2200, 140))
    figures = json.loads(zkob("risk", dv, "2", "--json").stdout)
    (bob,) = figures["accounts"]
    # equity 23150 - 10*2200 - (2200-2000); IM 10% of 22000 + short call max(15% of 2200 - 0, 10%) = 2200 + 330;
    # MM 5% of 22000 + 7.5% of 2200 = 1100 + 165
    assert (bob["equity"], bob["im"], bob["mm"]) == ("950", "2530", "1265")
    assert abs(bob["health"] - 950 / 1265) < 1e-12 and figures["time"] == 140
    assert [(p["instrument"], p["size"], p["price_age"], p["stale"]) for p in bob["positions"]] == \
        [(1, "-10", 0, False), (2, "-1", 0, False)]
    # 860 s to expiry at vol 0.6: the call 10% in the money has delta -1 to within 1e-6, the future -10
    assert bob["positions"][0]["delta"] == -10.0 and -1 <= bob["positions"][1]["delta"] < -1 + 1e-6
    table = zkob("risk", dv).stdout
    assert "account 2: cash 23150, equity 950, IM 2530, MM 1265, health 0.751" in table
    assert "account 1:" in table and "account 3:" in table
    zkob("risk", dv, "7", code=2)


def test_show_lists_instruments_prices_with_age_cash_and_positions(dv):
    text = zkob("show", dv).stdout
    assert "Instruments (2)" in text and "future" in text and "call" in text
    assert "Index prices (1 of 2 underlyings)" in text and "30 s" in text  # ts 100 at time 130
    assert "Cash and positions (3 accounts)" in text and "1: -10, 2: -1" in text


def test_oracle_sign_co_signs_one_report_and_refuses_strangers(dv):
    b = signed_index(dv, "co.json", 2100, 140)
    (report,) = json.loads(b.read_text())["reports"]
    assert [s["signer"] for s in report["sigs"]] == ["0", "1"] and report["ts"] == "140"
    before = b.read_bytes()
    result = zkob("oracle", "sign", dv.parent / "o3.json", "index", dv, b, "--underlying", 0, "--price", 1,
                  "-o", b, code=2)
    assert "not in the oracle_keys" in result.stderr and b.read_bytes() == before
    result = zkob("oracle", "sign", dv.parent / "o1.json", "settlement", dv, b, "--instrument", 9, "--price", 1,
                  "-o", b, code=2)
    assert "instrument 9 is not listed" in result.stderr and b.read_bytes() == before
