"""Weekly review: one ISO week for Monday's meeting, always in the same order (onefunnel/review.py builds the
numbers from the metrics layer): the joint goal, the funnel, the key measures (6 weeks + 12 months, the year
before dashed), the three biggest changes and what drove them, friction with owners, the wins of both teams;
then last week's actions, this week's decisions and actions (onefunnel/decisions.py), and the export."""

import datetime as dt

import pandas as pd
import streamlit as st

from onefunnel import access, charts, decisions, periods, review, ui
from onefunnel.charts_review import trend_chart

ref = ui.today()
latest = review.last_whole_week(ref)
first = periods.iso_week(latest)[0]
WEEKS = [periods.week_name(first - dt.timedelta(days=7 * k)) for k in range(157)]   # three years of weeks
week = st.selectbox("Week", WEEKS, key="week", bind="query-params",
                    format_func=lambda w: f"{w} · {ui.fmt_date(periods.iso_week(w)[0])} – {ui.fmt_date(periods.iso_week(w)[1])}",
                    help="An ISO week, Monday to Sunday; the default is the last whole week. The link keeps it (?week=2026-W38).")
start, end = periods.iso_week(week)
view = ui.View(start, end, end, None, ui.view().team, f"Week {week}")
ui.page_header("Weekly review", view, "The same sections every week, so a change jumps out. Every number is the "
               "metrics layer's, for Monday to Sunday, as `metrics --json` gives it.")


# a resource, not data: the review holds every friction row of the week (100k+ at 10M leads), and unpickling that
# on each run cost seconds; the object is shared and only read
@st.cache_resource(show_spinner="Gathering the week's numbers…", max_entries=16)
def _review(week: str, ref: dt.date, version: tuple, path: str, data_to: dt.date | None):
    con = ui._shared_connection(path).cursor()
    try:
        return review.build(con, week, ref, data_to=data_to)   # the header read data_to already
    finally:
        con.close()


review_key = (week, ref, ui.data_version(), str(ui.db_path()), ui.data_to())   # _review's arguments
r = _review(*review_key)
g = r.goal

# ---- the joint goal -----------------------------------------------------------------------------------------
ui.section("The joint goal", f"The quarter {ui.fmt_date(r.quarter[0])} – {ui.fmt_date(r.quarter[1])} as of "
           f"{ui.fmt_date(r.end)}: won against the pace of the goal, and the forecast.")
cols = st.columns(4)
for col, key in zip(cols, ["revenue_goal", "won_revenue", "expected_to_date", "forecast"]):
    ui.metric(key, g.get(key), r.goal_last_week.get(key) if r.goal_last_week else None, container=col)
st.markdown(f"**{r.reverse_funnel_sentence()}**")

# ---- the funnel -------------------------------------------------------------------------------------------------
ui.section("The funnel", "This week, last week, the same ISO week a year before, and the target (a number set on "
           "the Definitions page, else the like-for-like week before).")
funnel = pd.DataFrame([{"Stage": stage, "This week": r.rows[n]["this_week"], "Last week": r.rows[n]["last_week"],
                        "Same week last year": r.rows[n]["same_week_last_year"], "Target": r.rows[n]["target"]}
                       for stage, n in review.FUNNEL])
ui.table(funnel, hide_index=True, key="review_funnel", column_config={
    c: st.column_config.NumberColumn(c, format="%d") for c in ["This week", "Last week", "Same week last year", "Target"]})

# ---- key measures -------------------------------------------------------------------------------------------------
ui.section("Key measures", "The last 6 weeks beside the last 12 months; the year before dashed.")
for n in review.KEY_MEASURES:
    x = r.rows[n]
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    with c1:   # Vega-Lite: seven Plotly figures took the browser about 1 s to draw (the export keeps Plotly)
        st.vega_lite_chart(*trend_chart(n, r.series[n]), theme=None, key=f"trend_{n}")
    ui.metric(n, x["this_week"], x["last_week"], label=f"{ui.METRICS[n].label}: this week vs last", container=c2)
    yoy = ui.fmt_delta(n, x["this_week"], x["same_week_last_year"])
    c2.caption(f"Year over year: {yoy or '–'} · target {review.fmt(n, x['target']) if x['target'] is not None else '–'}")

# ---- the three biggest changes ---------------------------------------------------------------------------------------
ui.section("The three biggest changes", "Largest relative change of a key measure from last week, and the channel, "
           "owner or campaign that accounts for most of it (the rule: README, Weekly review).")
if r.changes:
    for i, c in enumerate(r.changes, 1):
        st.markdown(f"{i}. {ui.md(c.sentence)}")
else:
    st.info("No key measure changed from last week.")

# ---- friction ------------------------------------------------------------------------------------------------------
ui.section("Friction, with owners", "MQLs of the week waiting past the SLA at Sunday's end, MQLs rejected in the "
           "week, deals stalled at Sunday's end.")
FRICTION = (("sla_breaches", "MQLs waiting past the SLA", ["company", "owner", "hours_waiting"]),
            ("rejected_mqls", "MQLs rejected", ["company", "owner", "reason"]),
            ("stalled_deals", "Stalled deals", ["name", "owner", "amount"]))


@st.cache_resource(max_entries=16)
def _friction(key: tuple) -> dict[str, pd.DataFrame]:
    """The first rows of the review's friction lists as frames, made once; shared and only read."""
    rv = _review(*key)
    return {key: pd.DataFrame(rv.friction[key], columns=fields) if rv.friction[key] else pd.DataFrame(columns=fields)
            for key, _, fields in FRICTION}


frames = _friction(review_key)
for col, (key, title, fields) in zip(st.columns(3), FRICTION):
    rows = frames[key]
    col.markdown(f"**{title}: {ui.fmt_int(r.friction_totals[key])}**")
    if not rows.empty:
        with col:
            ui.table(rows[fields], rows=review.PAGE_LIST_ROWS, hide_index=True, key=f"review_{key}")
if any(n > review.PAGE_LIST_ROWS for n in r.friction_totals.values()):
    st.page_link("pages/friction.py", label="Every list in full, with downloads: Friction", icon=":material/warning:")

# ---- wins -----------------------------------------------------------------------------------------------------------
ui.section("Wins of both teams", "Every deal won in the week, by the team that sourced it.")
w1, w2 = st.columns(2)
for col, team in ((w1, "marketing"), (w2, "sales")):
    mine = [w for w in r.wins if w["sourced_by"] == team]
    col.markdown(f"**{team.capitalize()}-sourced: {len(mine)} · {ui.fmt_money(r.wins_totals[team])}**")
    if mine:
        with col:
            ui.table(pd.DataFrame(mine)[["deal", "owner", "channel", "amount"]], hide_index=True, key=f"review_wins_{team}")

# ---- last week's actions -------------------------------------------------------------------------------------------------
con = ui.cursor()
ui.section("Last week's actions", "Recorded at last week's review; the owner (or anyone) marks each done. Every "
           "change is logged with who and when.")
read_only = access.view_only("decisions")
access.name_input(label="Your name, for the log")
last_week = periods.week_name(r.last[0])
due = decisions.items(con, last_week, kind="action")
if not due:
    st.caption(f"No action was recorded at the review of {last_week}.")
for item in due:
    done = st.checkbox(f"{item['text']} — {item['owner'] or 'no owner'}, due {item['due_week'] or '–'}",
                       value=bool(item["is_done"]), key=f"done_{item['item_id']}", disabled=read_only)
    if done != bool(item["is_done"]):
        decisions.set_done(con, item["item_id"], done, access.writer("decisions"))
        st.rerun()

# ---- decisions and actions of this review -------------------------------------------------------------------------------------
ui.section(f"Decisions and actions of {week}", "What this meeting decided, and who does what by when.")
with st.form("review_item", clear_on_submit=True):
    kind = st.segmented_control("Kind", list(decisions.KINDS), default="action", key="item_kind", required=True)
    text = st.text_area("Text", key="item_text", placeholder="What was decided, or what will be done")
    a, b = st.columns(2)
    owner = a.text_input("Owner", key="item_owner", placeholder="Who does it")
    due_week = b.selectbox("Due week", [periods.week_name(end + dt.timedelta(days=7 * k)) for k in range(1, 9)],
                           key="item_due")
    if st.form_submit_button("Record", icon=":material/add:", disabled=read_only):
        try:
            decisions.add(con, week, kind or "action", text, owner, due_week if kind == "action" else None,
                          access.writer("decisions"))
            st.session_state["review_saved"] = True
        except ValueError as exc:
            st.error(ui.md(str(exc).capitalize() + "."), icon=":material/error:")
if st.session_state.pop("review_saved", False):
    st.success("Recorded.", icon=":material/check_circle:")
mine = decisions.items(con, week)
if mine:
    ui.table(pd.DataFrame(mine)[["kind", "text", "owner", "due_week", "is_done", "created_by", "created_at"]],
                 hide_index=True, key="review_items", column_config={
                     "kind": "Kind", "text": st.column_config.TextColumn("Text", width="large"), "owner": "Owner",
                     "due_week": "Due", "is_done": "Done", "created_by": "By",
                     "created_at": st.column_config.DatetimeColumn("When", format="MMM D, HH:mm")})

# ---- export -----------------------------------------------------------------------------------------------------------------------
ui.section("Send the review", "The PDF (landscape, the week and the data's freshness on every page) and one "
           "self-contained HTML file; numbers.csv has every number (also `python -m onefunnel report`).")


@st.cache_data(show_spinner="Drawing the charts and printing the PDF…", max_entries=4)
def _export(week: str, ref: dt.date, version: tuple, path: str) -> tuple[bytes, bytes, bytes]:
    from onefunnel import report

    con = ui._shared_connection(path).cursor()
    try:
        rv = review.build(con, week, ref)
    finally:
        con.close()
    html_text, pdf = report.render(rv)
    return pdf, html_text.encode("utf-8"), review.numbers_csv(rv)


def _file(i: int):
    return lambda: _export(week, ref, ui.data_version(), str(ui.db_path()))[i]


d1, d2, d3 = st.columns(3)
d1.download_button("Download the PDF", data=_file(0), file_name=f"review_{week}.pdf", mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="review_pdf")
d2.download_button("Download the HTML", data=_file(1), file_name=f"review_{week}.html", mime="text/html",
                   icon=":material/html:", key="review_html")
d3.download_button("Download numbers.csv", data=_file(2), file_name=f"numbers_{week}.csv", mime="text/csv",
                   icon=":material/download:", key="review_csv")
