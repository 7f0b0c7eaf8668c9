"""The weekly review as files to send: review.html, review.pdf and numbers.csv (issue 12, README "Weekly review").

One HTML template serves both files. Charts are Plotly figures turned into PNG by plotly.js itself (the copy
the plotly package ships) inside Debian's Chromium, driven by Playwright; the same browser then prints the
HTML to a landscape PDF with the week, the data's freshness and the page number in every page's header and
footer. One browser start does both, nothing is downloaded, and no new package is needed (README: "The PDF
route"). Data values are escaped everywhere (a campaign named `<img src=x>` shows as text).
"""

from __future__ import annotations

import base64
import concurrent.futures
import html
import json
import os
import shutil
import tempfile
from pathlib import Path

from onefunnel import layer
from onefunnel.charts_review import trend_figure
from onefunnel.formats import fmt_date, fmt_int, fmt_money, fmt_pct
from onefunnel.review import FUNNEL, KEY_MEASURES, LIST_LIMIT, Review, fmt, numbers_csv

PAGE_SIZE = "A4"
CHART_W, CHART_H = 900, 300
CHARTS_PER_PAGE = 4
# the pages of review.pdf: goal and funnel; the key measures' charts (4 a page); changes and friction;
# wins, decisions and actions
EXPECTED_PAGES = 1 + -(-len(KEY_MEASURES) // CHARTS_PER_PAGE) + 2


class ExportFailed(RuntimeError):
    """The browser that renders charts and prints the PDF is missing or failed."""


def chromium() -> str:
    exe = os.environ.get("BROWSER_PATH") or shutil.which("chromium")
    if not exe:
        raise ExportFailed("Debian's chromium is needed to draw the charts and print the PDF: run scripts/ensure-chromium "
                           "(make run and make test call it)")
    return exe


# ---- HTML -----------------------------------------------------------------------------------------------

CSS = """
@page { size: A4 landscape; margin: 16mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #212529; font-size: 10.5pt; margin: 0; }
.sheet { max-width: 1200px; margin: 0 auto; }
.page { padding: 4px 0; }
.page + .page { break-before: page; }
h1 { font-size: 18pt; margin: 0 0 2px 0; }
h2 { font-size: 13pt; margin: 10px 0 6px 0; border-bottom: 1px solid #dee2e6; padding-bottom: 2px; }
.meta { color: #6c757d; font-size: 9pt; margin-bottom: 6px; }
.cards { display: flex; gap: 8px; flex-wrap: wrap; }
.card { border: 1px solid #dee2e6; border-radius: 6px; padding: 6px 10px; min-width: 140px; }
.card .label { color: #6c757d; font-size: 8.5pt; } .card .value { font-size: 14pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e9ecef; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 14px; }
.chart img { width: 100%; height: auto; display: block; }
.chart .cmp { font-size: 9pt; color: #495057; margin: 0 0 4px 0; }
.sentence { font-size: 11pt; margin: 4px 0; }
.cols { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
.cols2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.more, .empty { color: #6c757d; font-size: 9pt; }
.item-text { white-space: pre-wrap; overflow-wrap: anywhere; }
@media screen { .page { border-bottom: 2px dashed #ced4da; padding: 16px 0; } }
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _delta(name: str, this, other) -> str:
    if this is None or other is None:
        return "–"
    d = this - other
    f = layer.measure(name).format
    if f == "pct":
        return f"{d * 100:+.1f} pts"
    if f == "money":
        return ("+" if d >= 0 else "-") + fmt_money(abs(d))
    return f"{d:+,.0f}" if float(d).is_integer() else f"{d:+,.1f}"


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f'<th class="{"n" if i in numeric else ""}">{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="{"n" if i in numeric else ""}">{_e(c)}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _capped(rows: list, what: str, total: int | None = None, where: str = "the page") -> tuple[list, str]:
    more = (len(rows) if total is None else total) - LIST_LIMIT
    return rows[:LIST_LIMIT], (f'<p class="more">and {more} more {what} (all of them on {where} and in its '
                               'CSV downloads)</p>' if more > 0 else "")


def header_line(r: Review) -> str:
    return (f"Weekly review {r.week} · {fmt_date(r.start)} – {fmt_date(r.end)} · {r.freshness}")


def render_html(r: Review, images: dict[str, str]) -> str:
    """The review as one self-contained HTML document; `images`: measure -> PNG data URI."""
    g = r.goal
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(header_line(r))}</title>"
             f"<style>{CSS}</style></head><body><div class='sheet'>"]
    # page 1: joint goal and funnel
    cards = [("Revenue goal (quarter)", fmt_money(g.get("revenue_goal"))), ("Won (quarter)", fmt_money(g.get("won_revenue"))),
             ("Expected by now (pace)", fmt_money(g.get("expected_to_date"))), ("Pace gap", fmt_money(g.get("pace_gap"))),
             ("Forecast", fmt_money(g.get("forecast"))), ("Attainment", fmt_pct(g.get("goal_attainment")))]
    parts.append("<section class='page'>"
                 f"<h1>Weekly review {_e(r.week)}</h1><div class='meta'>{_e(fmt_date(r.start))} – {_e(fmt_date(r.end))} · "
                 f"{_e(r.freshness)} · compared with {_e(fmt_date(r.last[0]))} – {_e(fmt_date(r.last[1]))} and the same "
                 f"week a year before ({_e(fmt_date(r.last_year[0]))} – {_e(fmt_date(r.last_year[1]))})</div>"
                 f"<h2>The joint goal: quarter to date ({_e(fmt_date(r.quarter[0]))} – {_e(fmt_date(r.quarter[1]))}, "
                 f"as of {_e(fmt_date(r.end))})</h2><div class='cards'>"
                 + "".join(f"<div class='card'><div class='label'>{_e(a)}</div><div class='value'>{_e(b)}</div></div>"
                           for a, b in cards)
                 + f"</div><p class='sentence'>{_e(r.reverse_funnel_sentence())}</p>")
    rows = []
    for stage, n in FUNNEL:
        x = r.rows[n]
        rows.append([stage, layer.measure(n).label, fmt(n, x["this_week"]), fmt(n, x["last_week"]),
                     fmt(n, x["same_week_last_year"]), fmt(n, x["target"]) if x["target"] is not None else "–"])
    parts.append("<h2>The funnel</h2>" + _table(["Stage", "Measure", "This week", "Last week", "Same week last year",
                                                 "Target"], rows, {2, 3, 4, 5}) + "</section>")
    # key measures, 4 charts a page
    for i in range(0, len(KEY_MEASURES), CHARTS_PER_PAGE):
        parts.append("<section class='page'><h2>Key measures: 6 weeks and 12 months, the year before dashed</h2>"
                     "<div class='grid'>")
        for n in KEY_MEASURES[i:i + CHARTS_PER_PAGE]:
            x = r.rows[n]
            parts.append(f"<div class='chart'><img alt='{_e(layer.measure(n).label)}' src='{images[n]}'>"
                         f"<p class='cmp'><b>{_e(fmt(n, x['this_week']))}</b> this week · week over week "
                         f"{_e(_delta(n, x['this_week'], x['last_week']))} · year over year "
                         f"{_e(_delta(n, x['this_week'], x['same_week_last_year']))} · target "
                         f"{_e(fmt(n, x['target']) if x['target'] is not None else '–')}</p></div>")
        parts.append("</div></section>")
    # changes and friction
    parts.append("<section class='page'><h2>The three biggest changes, and what drove them</h2>")
    if r.changes:
        parts.append("<ol>" + "".join(f"<li class='sentence'>{_e(c.sentence)}</li>" for c in r.changes) + "</ol>")
    else:
        parts.append("<p class='empty'>No key measure changed from last week.</p>")
    parts.append("<h2>Friction, with owners</h2><div class='cols'>")
    f = r.friction
    for key, title, cols, fmt_row in (
            ("sla_breaches", "MQLs waiting past the SLA", ["Lead", "Owner", "Hours waiting"],
             lambda w: [w.get("company") or w.get("email"), w.get("owner"), fmt_int(w.get("hours_waiting"))]),
            ("rejected_mqls", "MQLs rejected", ["Lead", "Owner", "Reason"],
             lambda w: [w.get("company") or w.get("email"), w.get("owner"), w.get("reason")]),
            ("stalled_deals", "Stalled deals", ["Deal", "Owner", "Amount"],
             lambda w: [w.get("name"), w.get("owner"), fmt_money(w.get("amount"))])):
        shown, more = _capped(f[key], "records", r.friction_totals[key], "the Friction page")
        parts.append(f"<div><h3>{_e(title)}: {r.friction_totals[key]}</h3>"
                     + (_table(cols, [fmt_row(w) for w in shown], {2}) if shown else "<p class='empty'>None.</p>")
                     + more + "</div>")
    parts.append("</div></section>")
    # wins, decisions and actions
    parts.append("<section class='page'><h2>Wins of both teams</h2><div class='cols2'>")
    for team in ("marketing", "sales"):
        mine = [w for w in r.wins if w["sourced_by"] == team]
        shown, more = _capped(mine, "wins")
        parts.append(f"<div><h3>{team.capitalize()}-sourced: {len(mine)} deal{'s' if len(mine) != 1 else ''} · "
                     f"{_e(fmt_money(r.wins_totals[team]))}</h3>"
                     + (_table(["Deal", "Owner", "Channel", "Amount"],
                               [[w["deal"], w["owner"], w["channel"], fmt_money(w["amount"])] for w in shown], {3})
                        if shown else "<p class='empty'>None this week.</p>") + more + "</div>")
    parts.append("</div><h2>Last week's actions</h2>")
    parts.append(_items_table(r.actions_due, "No action was recorded at last week's review."))
    parts.append("<h2>Decisions and actions of this review</h2>")
    parts.append(_items_table(r.items, "Nothing recorded yet."))
    parts.append("</section></div></body></html>")
    return "".join(parts)


def _items_table(items: list[dict], empty: str) -> str:
    if not items:
        return f"<p class='empty'>{_e(empty)}</p>"
    rows = "".join(f"<tr><td>{_e(i['kind'])}</td><td class='item-text'>{_e(i['text'])}</td><td>{_e(i['owner'] or '–')}</td>"
                   f"<td>{_e(i['due_week'] or '–')}</td><td>{'done' if i['is_done'] else 'open'}</td></tr>" for i in items)
    return ("<table><thead><tr><th>Kind</th><th>Text</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


# ---- the browser: chart images and the PDF ------------------------------------------------------------------

def _footer(r: Review) -> tuple[str, str]:
    style = "font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #6c757d; width: 100%; padding: 0 12mm;"
    head = f"<div style='{style}'>{_e(header_line(r))}</div>"
    foot = (f"<div style='{style} display: flex; justify-content: space-between;'><span>{_e(r.week)} · "
            f"{_e(r.freshness)}</span><span>Page <span class='pageNumber'></span> of <span class='totalPages'></span>"
            "</span></div>")
    return head, foot


def _render_in_browser(r: Review, want_pdf: bool) -> tuple[dict, bytes | None]:
    import plotly.offline
    from playwright.sync_api import sync_playwright

    specs = {n: json.loads(trend_figure(n, r.series[n], CHART_W, CHART_H).to_json()) for n in KEY_MEASURES}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(),
                                    args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                                          "--no-first-run", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                       else route.continue_())     # nothing leaves the machine
            page.set_content("<!doctype html><html><body><div id='c'></div></body></html>")
            page.add_script_tag(content=plotly.offline.get_plotlyjs())
            images = {}
            for n, spec in specs.items():
                images[n] = page.evaluate(
                    "async ([spec, w, h]) => await Plotly.toImage({data: spec.data, layout: spec.layout}, "
                    "{format: 'png', width: w, height: h, scale: 1.5})", [spec, CHART_W, CHART_H])
            pdf = None
            if want_pdf:
                head, foot = _footer(r)
                page.set_content(render_html(r, images), wait_until="load")
                pdf = page.pdf(format=PAGE_SIZE, landscape=True, print_background=True, display_header_footer=True,
                               header_template=head, footer_template=foot,
                               margin={"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return images, pdf


def render(r: Review, want_pdf: bool = True) -> tuple[str, bytes | None]:
    """(review.html text, review.pdf bytes). Playwright's sync API runs in a thread of its own (a Streamlit
    script thread may not be a plain one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            images, pdf = pool.submit(_render_in_browser, r, want_pdf).result()
        except ExportFailed:
            raise
        except Exception as exc:   # a browser that does not start: say so plainly
            raise ExportFailed(f"the browser could not draw the review: {exc}") from exc
    return render_html(r, images), pdf


def data_uri_png(b: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(b).decode()


def write(r: Review, out: Path) -> list[Path]:
    """Write review.pdf, review.html and numbers.csv into `out` (created if needed): all three are written to a
    temporary folder beside it first and moved in at the end, so a failure leaves no partial file."""
    out = Path(out)
    html_text, pdf = render(r)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".review-", dir=out.parent))
    try:
        (tmp / "review.pdf").write_bytes(pdf)
        (tmp / "review.html").write_text(html_text, encoding="utf-8")
        (tmp / "numbers.csv").write_bytes(numbers_csv(r))
        out.mkdir(exist_ok=True)
        done = []
        for name in ("review.pdf", "review.html", "numbers.csv"):
            os.replace(tmp / name, out / name)
            done.append(out / name)
        return done
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
