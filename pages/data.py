"""Data: upload exports, check what was detected before storing, import, and see the history.

Queries: data_import_history, data_import_rejects, data_import_undone (run uncached on this session's cursor).
"""

from pathlib import Path

import pandas as pd
import streamlit as st

from onefunnel import access, ui
from onefunnel import uploads as upload_files
from onefunnel.ingest import (FileRefused, custom_formats, delete_custom_format, ingest_file, preview,
                              rename_custom_format, save_custom_format)
from onefunnel.ingest import old_deals
from onefunnel.ingest.presets import KIND_FIELDS, custom_format_entry, mapping, norm_header
from onefunnel.ingest.propose import propose
from onefunnel.ingest.reader import ENCODINGS, EXCEL_NAMES, encoding_label
from onefunnel.ingest.undo import LIMITS, RECORD_TABLES, UndoRefused, undo_import
from onefunnel.queries import run

st.title("Upload & history")
st.caption("Drop the files your tools export. OneFunnel recognises the format from the headers, "
           "shows what it read, and stores nothing until you confirm.")

con = ui.cursor()

# ---- results of the last import (kept across the rerun that follows it) --------------------------
for result in st.session_state.pop("import_results", []):
    if result["ok"]:
        msg = (f"**{ui.md(result['file'])}** — {ui.md(result['label'])}: {result['loaded']:,} rows loaded "
               f"({result['new']:,} new), {result['rejected']:,} rejected")
        (st.warning if result["rejected"] else st.success)(msg, icon=":material/check_circle:")
    else:
        st.error(f"**{ui.md(result['file'])}** was refused: {ui.md(result['message'])}", icon=":material/block:")

# ---- upload and preview (admins: access.py) -------------------------------------------------------------
uploads = None if access.view_only("import") else st.file_uploader("Exports (CSV or Excel)", type=["csv", "txt", "tsv", "xlsx", "xls"],
                           accept_multiple_files=True, key=f"uploads-{st.session_state.get('upload_round', 0)}",
                           help="HubSpot contacts/deals, Salesforce reports or Data Loader exports, "
                                "Pipedrive deals, Google Ads / LinkedIn / Meta spend, or the templates "
                                "described on the Definitions page.")


def encoding_of(upload) -> str | None:
    """The text encoding chosen for an upload on this page (None: detected)."""
    return st.session_state.get(f"enc-{upload.file_id}")


def checked(upload):
    """The preview of an upload (or the refusal), computed once per uploaded file and chosen encoding; the
    upload is on disk only while it is read."""
    cache = st.session_state.setdefault("previews", {})
    key = (upload.file_id, encoding_of(upload))
    if key not in cache:
        with upload_files.staged(upload.getbuffer(), upload.name) as path:
            try:
                cache[key] = preview(con, path, upload.name, encoding=encoding_of(upload))
            except FileRefused as exc:
                cache[key] = exc
    return cache[key]


def encoding_box(upload, result) -> None:
    """The text encoding the preview read, and a box to read the file with another one."""
    if isinstance(result, FileRefused) and is_workbook_name(upload.name):
        return
    raw = getattr(result, "raw", None)
    if raw is not None and raw.is_excel:
        return
    options = [None, *ENCODINGS]
    detected = f"as detected ({encoding_label(raw.encoding)})" if raw is not None else "as detected"
    st.selectbox("Text encoding", options, key=f"enc-{upload.file_id}",
                 format_func=lambda e: detected if e is None else encoding_label(e),
                 help="How the file's bytes become letters. If names look wrong (Crčme for Crème), choose the "
                      "encoding the exporting program used; the preview is read again.")


NOT_IN_FILE = "— not in this file —"


def is_workbook_name(name: str) -> bool:
    return name.lower().endswith(EXCEL_NAMES)


def map_columns(upload, headers: list[str], current=None, proposal=None, expanded: bool = False) -> None:
    """Expander to map the file's columns by hand: kind, one column per field, a name; saving
    stores the format (setting custom_formats, logged) and checks the file again. Pre-filled with
    what the detected format reads (`current`), else with a proposal (ingest.propose) to confirm."""
    with st.expander("Map the columns yourself", icon=":material/tune:", expanded=expanded):
        st.caption("Say which column holds each field. The format is remembered: the next file "
                   "with these columns is read the same way.")
        if proposal is not None:
            st.caption("Proposed from the column names and values: check each field, correct what is wrong, "
                       "then save.")
        fid = upload.file_id
        kinds = list(KIND_FIELDS)
        start_kind = current.kind if current is not None else proposal.kind if proposal is not None else kinds[0]
        kind = st.selectbox("Records in this file", kinds, key=f"map-kind-{fid}", index=kinds.index(start_kind))
        found = mapping(current, headers) if current is not None and current.kind == kind else {}
        if proposal is not None:
            found = {f: [headers.index(h)] for f, h in proposal.fields_by_kind[kind].items() if h in headers}
        by_name = {norm_header(h): i for i, h in reversed(list(enumerate(headers)))}
        options = [None] + [i for i, h in enumerate(headers) if str(h).strip()]
        chosen = {}
        cols = st.columns(3)
        for n, fname in enumerate(KIND_FIELDS[kind]):
            pre = found[fname][0] if fname in found else by_name.get(fname)
            pre = pre if pre in options else None
            pick = cols[n % 3].selectbox(fname, options, index=options.index(pre),
                                         format_func=lambda i: NOT_IN_FILE if i is None else headers[i],
                                         key=f"map-{fid}-{kind}-{fname}")
            if pick is not None:
                chosen[fname] = headers[pick]
        name = st.text_input("Name of the format", value=Path(upload.name).stem, key=f"map-name-{fid}")
        if st.button("Save format and re-check", icon=":material/save:", key=f"map-save-{fid}",
                     disabled=not access.can("mappings")):
            try:
                save_custom_format(con, custom_format_entry(name, kind, chosen), who=access.writer("mappings"))
            except ValueError as exc:
                st.error(f"Not saved: {ui.md(exc)}", icon=":material/block:")
                return
            st.session_state.pop("previews", None)   # the new format may change how any upload reads
            st.rerun()


def rejects_frame(rejects) -> pd.DataFrame:
    return pd.DataFrame([{"line": r.line, "column": r.column, "value": r.value, "reason": r.reason}
                         for r in rejects], columns=["line", "column", "value", "reason"])


if uploads:
    ready = []
    with st.spinner("Reading the files…"):
        checks = [(u, checked(u)) for u in uploads]
    for upload, result in checks:
        with st.container(border=True):
            if isinstance(result, FileRefused):
                st.error(f"**{ui.md(upload.name)}** cannot be imported: {ui.md(result)}", icon=":material/block:")
                encoding_box(upload, result)
                if getattr(result, "headers", None):   # no or a loose header match: the user can map it
                    map_columns(upload, result.headers, proposal=propose(result.headers, result.sample),
                                expanded=True)
                continue
            ready.append((upload, result))
            st.markdown(f"**{ui.md(upload.name)}** — detected **{ui.md(result.preset.label)}** "
                        f"({result.preset.kind} records)")
            encoding_box(upload, result)
            c = st.columns(4)
            c[0].metric("Rows read", f"{result.rows_read:,}")
            c[1].metric("Will load", f"{result.rows_ok:,}")
            c[2].metric("Rejected", f"{result.rows_rejected:,}")
            c[3].metric("Summary rows skipped", f"{result.rows_skipped:,}")
            notes = list(result.notes) + [f"{col}: {how}" for col, how in result.readings.items()]
            if result.duplicate_of:
                was_undone = run(con, "data_import_undone", import_id=result.duplicate_of)
                if not was_undone.empty and was_undone["is_undone"].iloc[0]:
                    notes.append(f"identical to import #{result.duplicate_of}, which was taken back")
                else:
                    notes.append(f"identical to import #{result.duplicate_of}; importing it again changes no number")
            for note in notes:
                st.caption(f"• {ui.md(note)}")
            if result.ignored_columns:
                st.caption(f"• Not used: {ui.md(', '.join(map(str, result.ignored_columns)))}")
            with st.expander("Columns and first rows"):
                ui.table(pd.DataFrame({"field": list(result.columns), "from column": list(result.columns.values())}),
                             hide_index=True)
                ui.table(result.sample, hide_index=True)
            if result.rejects:
                with st.expander(f"{result.rows_rejected:,} rejected rows (line, column, value, reason)"):
                    frame = rejects_frame(result.rejects)
                    ui.table(frame, hide_index=True)
                    ui.download_csv(frame, f"{Path(upload.name).stem}-rejects.csv", "Download rejected rows",
                                    key=f"rej-{upload.file_id}")
            if result.ignored_columns:
                map_columns(upload, result.raw.headers, result.preset)
            if sum(result.old_open):
                no_date, past = result.old_open
                st.warning(f"{old_deals.describe(no_date, past, ui.today())}. Imported as they are, they count "
                           "as open pipeline and as stalled deals. What do they mean?", icon=":material/history:")
                st.radio("Old open deals", list(old_deals.CHOICES), format_func=old_deals.CHOICES.get, index=None,
                         key=f"old-deals-{upload.file_id}", horizontal=True,
                         help="Keep: open, as exported. Lost: closed as lost on their close date (or, without one, "
                              "their creation date). Skip: stored with the import but left out of every number. "
                              "Taking the import back removes them either way.")
    undecided = [u.name for u, r in ready if sum(r.old_open) and not st.session_state.get(f"old-deals-{u.file_id}")]
    if undecided:
        st.info(f"Choose what the old open deals of {ui.md(', '.join(undecided))} mean before importing.",
                icon=":material/help:")
    if ready:
        if st.button(f"Import {len(ready)} file{'s' if len(ready) > 1 else ''}", type="primary",
                     icon=":material/database_upload:", key="confirm_import", disabled=bool(undecided)):
            results = []
            bar = st.progress(0.0, text="Importing…")
            for n, (upload, _) in enumerate(ready):
                def progress(f, msg, n=n):
                    bar.progress(min((n + f) / len(ready), 1.0), text=f"{upload.name}: {msg}")  # not a rate: progress
                try:
                    with upload_files.staged(upload.getbuffer(), upload.name) as path:     # removed whatever happens
                        r = ingest_file(con, path, upload.name, who=access.writer("import"), progress=progress,
                                        old_open_deals=st.session_state.get(f"old-deals-{upload.file_id}") or "keep",
                                        encoding=encoding_of(upload))
                    results.append({"ok": True, "file": upload.name, "label": r.label, "loaded": r.rows_loaded,
                                    "new": r.rows_new, "rejected": r.rows_rejected})
                except FileRefused as exc:
                    results.append({"ok": False, "file": upload.name, "message": str(exc)})
            bar.progress(1.0, text="Import finished")
            st.session_state["import_results"] = results
            st.session_state.pop("previews", None)
            st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
            st.rerun()

# ---- history ----------------------------------------------------------------------------------------------
TABLE_WORDS = {"lead_records": ("lead record", "lead records"),
               "opportunity_records": ("opportunity record", "opportunity records"),
               "touch_records": ("touch", "touches"), "activity_records": ("activity", "activities"),
               "spend_records": ("spend line", "spend lines"),
               "import_rejects": ("rejected-row note", "rejected-row notes"),
               "leads": ("lead of a person with no record left", "leads of people with no record left")}

undone = st.session_state.pop("undo_result", None)
if undone:
    counts = undone["counts"]
    removed = ", ".join(f"{counts[t]:,} {TABLE_WORDS[t][counts[t] != 1]}" for t in (*RECORD_TABLES, "leads")
                        if counts.get(t))
    st.success(f"Import #{undone['id']} **{ui.md(undone['file'])}** was taken back: removed {removed or 'no rows'}.",
               icon=":material/undo:")

ui.section("Import history", "Every file stored, newest first. Re-importing a record replaces it by its id.")
history = run(con, "data_import_history")
if history.empty:
    ui.empty_workspace()
else:
    # the columns that fit the page; the format, new rows and who imported are in the CSV and the rejects below
    ui.table(history, hide_index=True, key="import_history", column_config={
        "#": ui.number_column("#", chars=3), "file": ui.text_column("File", 16), "records": ui.text_column("Records", 10),
        "status": ui.text_column("Status", 12), "rows_read": ui.number_column("Rows read"),
        "rows_loaded": ui.number_column("Stored"), "rows_rejected": ui.number_column("Rejected"),
        "rows_skipped": ui.number_column("Skipped"),
        "imported_at": st.column_config.DatetimeColumn("Imported", format="YYYY-MM-DD HH:mm",
                                                       width=ui.col_width("Imported", 16))},
        column_order=["#", "file", "records", "status", "rows_read", "rows_loaded", "rows_rejected", "rows_skipped",
                      "imported_at"])
    ui.download_csv(history, "import-history.csv", "Download the history", key="dl_history")
    with_rejects = history[(history["rows_rejected"] > 0) & (history["status"] == "stored")]
    if not with_rejects.empty:
        choice = st.selectbox("Rejected rows of an import", with_rejects["#"].tolist(),
                              format_func=lambda i: f"#{i} {history.set_index('#').loc[i, 'file']}",
                              key="rejects_of")
        frame = run(con, "data_import_rejects", import_id=choice)
        ui.table(frame, hide_index=True)
        ui.download_csv(frame, f"import-{choice}-rejects.csv", "Download rejected rows", key="hist-rejects")

    # ---- take an import back ------------------------------------------------------------------------------
    stored = history[history["status"] == "stored"]
    if not stored.empty and access.can("undo"):
        ui.section("Take back an import", "Imported the wrong file, or the same data twice under two formats? "
                   "Taking an import back removes the rows it stored and merges the people it touched again "
                   "from their other records. The import stays in the history, marked as taken back.")
        by_id = stored.set_index("#")
        rnd = st.session_state.get("undo_round", 0)
        # nothing preselected: one click away from undoing the wrong file is too close (newest listed first)
        pick = st.selectbox("Import to take back", sorted(by_id.index.tolist(), reverse=True), index=None,
                            placeholder="Pick the import to take back", key=f"undo_pick-{rnd}",
                            format_func=lambda i: (f"#{i} {by_id.loc[i, 'file']} ({by_id.loc[i, 'records']} records, "
                                                   f"{by_id.loc[i, 'rows_loaded']:,} rows, "
                                                   f"{ui.fmt_date(by_id.loc[i, 'imported_at'])})"))
        st.warning(f"What cannot be undone: {LIMITS} Import the earlier file again to get replaced records back.",
                   icon=":material/warning:")
        sure = st.checkbox(f"I understand: the rows of import #{pick} are removed, and records it replaced "
                           "are not restored." if pick is not None else "I understand (pick an import first).",
                           key=f"undo_sure-{rnd}", disabled=pick is None)
        if st.button("Take back this import", icon=":material/undo:", type="primary", disabled=not sure or pick is None,
                     key=f"undo_go-{rnd}"):
            try:
                counts = undo_import(con, int(pick), who=access.writer("undo"))
            except UndoRefused as exc:
                st.error(f"Not taken back: {ui.md(exc)}", icon=":material/block:")
            else:
                st.session_state["undo_result"] = {"id": int(pick), "file": by_id.loc[pick, "file"],
                                                   "counts": counts}
                st.session_state["undo_round"] = rnd + 1
                st.rerun()

# ---- saved column mappings ----------------------------------------------------------------------------------
formats = custom_formats(con)
if formats:
    ui.section("Saved column mappings", "Formats mapped by hand on this page. A file with all of a mapping's "
               "columns is read with it before the built-in formats. Forgetting one keeps what it imported.")
    ui.table(pd.DataFrame([{"mapping": f["label"], "records": f["kind"],
                                "columns": ", ".join(f"{col} → {field}" for field, col in f["fields"].items())}
                               for f in formats]), hide_index=True)
    c1, c2, c3, c4 = st.columns([3, 3, 1.5, 2], vertical_alignment="bottom")
    # fresh widgets after each rename: the browser keeps showing a kept widget's old label and text
    renamed = st.session_state.get("formats_renamed", 0)
    keys = [f["key"] for f in formats]
    picked = st.session_state.get("formats_picked")
    forget = c1.selectbox("Mapping", keys, key=f"forget_format_{renamed}", index=keys.index(picked) if picked in keys else 0,
                          format_func=lambda k: next(f["label"] for f in formats if f["key"] == k))
    new_name = c2.text_input("New name", key=f"rename_format_name_{renamed}", placeholder="e.g. Trade show leads",
                             help="Renaming keeps what the mapping imported; a file imported again still replaces it.")
    no_mapping = not access.can("mappings")
    if c3.button("Rename", icon=":material/edit:", key="rename_format_button", disabled=no_mapping):
        try:
            rename_custom_format(con, forget, new_name, who=access.writer("mappings"))
        except ValueError as exc:
            st.error(ui.md(exc), icon=":material/error:")
        else:
            st.session_state.pop("previews", None)
            st.session_state["formats_renamed"] = renamed + 1
            st.session_state["formats_picked"] = forget
            st.rerun()
    if c4.button("Forget this mapping", icon=":material/delete:", key="forget_format_button", disabled=no_mapping):
        delete_custom_format(con, forget, who=access.writer("mappings"))
        st.session_state.pop("previews", None)
        st.rerun()
