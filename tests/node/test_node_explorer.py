"""The explorer page's HTML: every figure shown, everything from outside escaped."""

from __future__ import annotations

from zkob.node.explorer import render_page

STATUS = {"height": 2, "root": "123", "time": 1800000000, "pending_ops": 1, "pending_batches": 0,
          "prover": "idle", "sequencer": "running", "sequenced_seq": 9}


def test_the_page_shows_heights_times_roots_bridge_records_prices_and_proof_status():
    rows = [{"height": 2, "time": 1800000001, "ops": 3, "status": "proving", "reports": [
                {"underlying": "0", "price": "4100", "ts": "1800000000", "sigs": []}]},
            {"height": 1, "time": 1800000000, "ops": 2, "status": "published", "reports": [],
             "public": {"old_root": "11", "new_root": "22"},
             "bridge": {"ops": [{"op": "deposit", "account": "1", "asset": "2", "amount": "50"}], "bridge": "7"}}]
    page = render_page(STATUS, rows)
    for text in ("1800000001", ">22<", ">11<", "deposit acct 1 asset 2 amount 50", "index u0 = 4100",
                 'class="published"', 'class="proving"', ">123<"):
        assert text in page, text


def test_values_from_outside_are_escaped():
    rows = [{"height": 1, "time": 0, "ops": 1, "status": "open", "reports": [{"underlying": "<script>x</script>"}],
             "bridge": {"ops": [{"op": "<b>", "account": "&"}]}, "public": {"new_root": "<i>"}}]
    page = render_page(dict(STATUS, prover="failed: <img src=x>"), rows)
    assert "<script>x" not in page and "<img" not in page and "<b>" not in page and "&lt;i&gt;" in page
