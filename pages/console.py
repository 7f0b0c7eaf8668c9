"""SQL console: one read-only SELECT over the workspace's canonical views, with their schema beside the query
box; the result as a table, a chart and a formula-safe CSV; the team's saved queries, each reopened by a link
(?query=NAME). What may run and the limits are onefunnel/console.py's; every refusal says why.
"""

import streamlit as st

from onefunnel import access, charts, console, ui
from onefunnel.db import db_path

st.title("SQL console")
con = ui.cursor()
if not ui.has_data():
    ui.empty_workspace()
    st.stop()
lim = console.limits(con)
st.caption(f"One SELECT (or WITH … SELECT) at a time, read-only, over a copy of the workspace's data. "
           f"Up to {console.SHOW_ROWS:,} rows are shown and {console.DOWNLOAD_ROWS:,} downloaded; a query is "
           f"stopped after {lim.time_limit_s:g} s or {lim.memory_limit} of memory. Files, URLs, extensions, "
           "settings and changes to the data are refused.")

saved = ui.query("console_saved_queries")
by_name = {r.name: r for r in saved.itertuples()}

# the saved query to show: one just saved or deleted (set before the widget exists), else the URL's ?query=
pending = st.session_state.pop("console_open_next", None)
if pending is not None:
    st.session_state["query"] = pending or None
    st.session_state["console_opened"] = pending or None
asked = st.query_params.get("query")
if asked and asked not in by_name and pending is None:
    st.warning(f"There is no saved query called “{ui.md(asked)}” (it may have been deleted).", icon=":material/search_off:")

note = st.session_state.pop("console_note", None)
if note:
    st.success(note, icon=":material/check_circle:")

left, right = st.columns([3, 2], gap="large")

with left:
    opened = st.selectbox("Saved queries", list(by_name), index=None, key="query", bind="query-params",
                          placeholder="Open a saved query", help="Saved by the team; the link below reopens it.")
    run_now = False
    if opened != st.session_state.get("console_opened"):
        st.session_state["console_opened"] = opened
        if opened in by_name:
            st.session_state["console_sql"] = by_name[opened].sql
            run_now = True
    if opened in by_name:
        q = by_name[opened]
        st.caption(f"Saved by {ui.md(q.author or 'someone')} on {ui.fmt_date(q.saved_at.date())}.")
        c1, c2 = st.columns(2)
        c1.page_link("pages/console.py", label="Link to this query", icon=":material/link:",
                     query_params={"query": opened})
        if c2.button("Delete this saved query", icon=":material/delete:", key="console_delete",
                     disabled=not access.can("queries")):
            console.delete_query(con, opened, access.writer("queries"))
            st.session_state["console_note"] = f"Deleted the saved query “{ui.md(opened)}”."
            st.session_state["console_open_next"] = ""
            st.rerun()

    sql = st.text_area("Query", key="console_sql", height=200, placeholder=console.EXAMPLE,
                       help="One SELECT over the views listed on the right.")
    if st.button("Run", type="primary", icon=":material/play_arrow:", key="console_run"):
        run_now = True

    if run_now:
        outcome = {"sql": sql}
        try:
            with st.spinner("Running…"):
                outcome["result"] = console.run_in_workspace(con, db_path(), sql)
        except console.Refused as exc:
            outcome["error"] = f"Refused: {exc} Nothing was run."
        except console.TimedOut as exc:
            outcome["error"] = f"Stopped: {exc}"
        except console.OverMemory as exc:
            outcome["error"] = f"Stopped: {exc}"
        except console.QueryFailed as exc:
            outcome["error"] = f"The query failed: {exc}"
        st.session_state["console_outcome"] = outcome

    outcome = st.session_state.get("console_outcome")
    if outcome is None:
        st.info("Type one SELECT over the views listed on the right and press Run, for example:",
                icon=":material/terminal:")
        st.code(console.EXAMPLE, language="sql")
    elif "error" in outcome:
        st.error(outcome["error"], icon=":material/block:")
    else:
        result = outcome["result"]
        df = result.frame()
        st.caption(f"{len(df):,} rows in {result.seconds:.1f} s"
                   + (f" · the query returns more: the first {console.SHOW_ROWS:,} are shown" if result.truncated else ""))
        ui.table(df, hide_index=True, key="console_table")
        ui.download_csv(df, "query.csv", key="console_download")
        if result.truncated and st.button(f"Prepare a CSV of up to {console.DOWNLOAD_ROWS:,} rows",
                                          key="console_prepare_full"):
            try:
                with st.spinner("Running for the download…"):
                    full = console.run_in_workspace(con, db_path(), outcome["sql"], max_rows=console.DOWNLOAD_ROWS)
                ui.download_csv(full.frame(), "query-full.csv", label=f"Download {full.table.num_rows:,} rows",
                                key="console_download_full")
            except (console.Refused, console.TimedOut, console.QueryFailed) as exc:
                st.error(f"The download could not be prepared: {ui.md(exc)}", icon=":material/block:")
        xy = result.chart_columns()
        if xy:
            ui.plotly_chart(charts.result_chart(df, *xy),
                            key="console_chart")
            st.caption(f"{ui.md(xy[1])} by {ui.md(xy[0])} (the first text column and the first number column"
                       + (", first 200 rows)" if len(df) > 200 else ")"))
        else:
            st.caption("No chart: it needs a text column and a number column.")

    st.markdown("**Save this query for the team**")
    no_saving = access.view_only("queries")
    c1, c2 = st.columns(2)
    name = c1.text_input("Name", key="console_save_name", placeholder="e.g. Leads by channel", disabled=no_saving)
    access.name_input(c2, "Your name", help="Kept with the saved query.")
    if st.button("Save query", icon=":material/save:", key="console_save", disabled=no_saving):
        try:
            changed = console.save_query(con, name, sql, access.writer("queries"))
        except console.Refused as exc:
            st.error(f"Not saved: {ui.md(exc)}", icon=":material/block:")
        except ValueError as exc:
            st.error(f"Not saved: {ui.md(exc)}", icon=":material/block:")
        else:
            st.session_state["console_note"] = (f"Saved “{ui.md(name.strip())}”." if changed
                                                 else f"“{ui.md(name.strip())}” already holds this query.")
            st.session_state["console_open_next"] = name.strip()
            st.rerun()

with right:
    with st.expander("Limits"):
        st.caption("Every change is kept in the change log with who made it.")
        no_limits = access.view_only("settings")
        new_time = st.number_input("Time limit (seconds)", 1.0, 300.0, float(lim.time_limit_s), step=1.0,
                                   key="console_limit_time")
        new_memory = st.text_input("Memory limit", lim.memory_limit, key="console_limit_memory",
                                   help="64MB to 8GB, e.g. 512MB or 1GB.")
        new_threads = st.number_input("Threads", 1, 64, int(lim.threads), key="console_limit_threads")
        if st.button("Save limits", icon=":material/save:", key="console_save_limits", disabled=no_limits):
            try:
                console.set_limits(con, new_time, new_memory, new_threads, access.writer("settings"))
            except ValueError as exc:
                st.error(f"Not saved: {ui.md(exc)}.", icon=":material/block:")
            else:
                st.session_state["console_note"] = "Limits saved."
                st.rerun()
    st.markdown("**Views you can query**")
    st.caption("The canonical views every page reads; a table macro takes its arguments, "
               "e.g. `mql_sla(24, current_date)`.")
    for view in console.schema(con):
        with st.expander(view["title"]):
            st.caption(view["sentence"])
            st.markdown(" · ".join(f"`{c}` {t}" for c, t in view["columns"]))
