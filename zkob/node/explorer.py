"""The explorer page (GET /): heights, times, roots, bridge records, committee prices, proof status.

Rendered on the server from the same figures as ``/v1/status`` and
``/v1/batches`` (no script, no build step), every value escaped; the page
reloads itself every few seconds, so a newcomer watching it sees batches
go from open to proving to published.
"""

from __future__ import annotations

from html import escape

REFRESH_SECONDS = 3

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } code { font-size: 0.85em; word-break: break-all; }
.published { color: #0a6b0a; font-weight: bold; } .proving { color: #a66a00; } .open { color: #555; }
.summary td { border: none; padding: 0.1em 1em 0.1em 0; }
"""


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}…{text[-8:]}"


def _bridge(record: object) -> str:
    if not isinstance(record, dict) or not record.get("ops"):
        return "none"
    moves = [f"{op.get('op')} acct {op.get('account')} asset {op.get('asset')} amount {op.get('amount')}"
             for op in record["ops"] if isinstance(op, dict)]
    return "<br>".join(escape(m) for m in moves)


def _prices(reports: object) -> str:
    if not isinstance(reports, list) or not reports:
        return "none"
    shown = []
    for report in reports:
        if not isinstance(report, dict):
            continue
        if "underlying" in report:
            shown.append(f"index u{report['underlying']} = {report.get('price')} (ts {report.get('ts')})")
        else:
            shown.append(f"settle instrument {report.get('instrument')} at {report.get('price')}")
    return "<br>".join(escape(s) for s in shown)


def render_page(status: dict, rows: list[dict]) -> str:
    """The whole page as HTML text."""
    summary = [("published height", status["height"]), ("root", status["root"]),
               ("batch time", status["time"]), ("pending ops", status["pending_ops"]),
               ("batches being proven", status["pending_batches"]), ("prover", status["prover"]),
               ("sequencer", status["sequencer"]), ("ops sequenced", status["sequenced_seq"])]
    head = "".join(f"<tr><td>{escape(k)}</td><td><code>{escape(str(v))}</code></td></tr>" for k, v in summary)
    body = []
    for row in rows:
        public = row.get("public") or {}
        body.append(
            f"<tr><td>{row['height']}</td><td>{escape(str(row['time']))}</td><td>{row['ops']}</td>"
            f"<td class=\"{escape(row['status'])}\">{escape(row['status'])}</td>"
            f"<td><code title=\"{escape(str(public.get('old_root', '')))}\">"
            f"{escape(_short(public.get('old_root', '-')))}</code></td>"
            f"<td><code title=\"{escape(str(public.get('new_root', '')))}\">"
            f"{escape(_short(public.get('new_root', '-')))}</code></td>"
            f"<td>{_bridge(row.get('bridge'))}</td><td>{_prices(row.get('reports'))}</td></tr>")
    table = "".join(body) or "<tr><td colspan=\"8\">no batches yet: post an op to /v1/ops</td></tr>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{REFRESH_SECONDS}">
<title>zkob node explorer</title><style>{STYLE}</style></head>
<body><h1>zkob node explorer</h1>
<table class="summary">{head}</table>
<h2>Batches</h2>
<table id="batches"><thead><tr><th>height</th><th>time</th><th>ops</th><th>proof</th><th>old root</th>
<th>new root</th><th>bridge record</th><th>committee prices</th></tr></thead>
<tbody>{table}</tbody></table>
<p>API: <a href="/v1/status">/v1/status</a> · <a href="/v1/batches">/v1/batches</a> ·
<a href="/v1/feed?from=1&amp;wait=0">/v1/feed</a></p>
</body></html>
"""
