"""Definitions: the common language. Every stage and metric with its definition (in the team's words when it
rewrote them), owner and target, the settings behind the numbers (editable, every change logged with who and
when), the owner directory, and the upload templates.
"""

import calendar

import pandas as pd
import streamlit as st

from onefunnel import access, layer, settings_tables, ui, wording
from onefunnel.db import get_setting, set_setting
from onefunnel.definitions import METRICS, STAGES

TEAMS = ["marketing", "sales", "shared"]
UNITS = {"int": "count", "money": "$", "pct": "%", "share": "%", "hours": "hours", "days": "days", "ratio": "×"}
TEMPLATES = {
    "Leads": ("leads.csv", "lead_id,email,created_at,company,source,campaign,owner,mql_at,sql_at,disqualified_at,"
                           "disqualify_reason,status",
              "L-1,ada@example.com,2026-07-01 09:00,Example Ltd,Paid Search,brand,Dana Reyes,2026-07-02 10:00,,,,"),
    "Opportunities": ("opportunities.csv", "opportunity_id,name,created_at,close_date,stage,amount,probability,"
                                           "is_closed,is_won,owner,source,email,lead_id",
                      "O-1,Example Ltd - Platform,2026-07-05,2026-08-20,Closed Won,12000,100,true,true,Dana Reyes,,"
                      "ada@example.com,L-1"),
    "Touches": ("touches.csv", "email,touched_at,channel,campaign", "ada@example.com,2026-06-28 14:00,Events,roundtable"),
    "Activities": ("activities.csv", "email,at,type,owner", "ada@example.com,2026-07-02 11:30,call,Dana Reyes"),
    "Spend": ("spend.csv", "date,channel,campaign,cost", "2026-07-01,Paid Search,brand,250.00"),
}

view = ui.view()
st.title("Definitions")
st.caption("One meaning for every word and number in OneFunnel, and the settings behind them. "
           "Edit a table and press its Save button; every change is kept with who made it and when. "
           "Every measure and dimension is defined once, in the metrics layer (queries/measures.toml).")

con = ui.cursor()
read_only = access.view_only("settings")   # a viewer reads every definition; the Save buttons stay off
access.name_input(help="Kept with every change you save on this page.")


def saved(message: str) -> None:
    st.session_state["definitions_saved"] = message
    st.session_state["definitions_round"] = st.session_state.get("definitions_round", 0) + 1
    st.rerun()


note = st.session_state.pop("definitions_saved", None)
if note:
    st.success(note, icon=":material/check_circle:")
rnd = st.session_state.get("definitions_round", 0)   # fresh editors after a save

# ---- the teams' words (definition texts, onefunnel/wording.py) ---------------------------------------------
team_texts = {r.name: r for r in ui.query("definition_texts").itertuples()}


def worded(name: str, product_text: str) -> str:
    """A stage's or metric's definition as shown: the team's words with who edited them and when, else the
    product's words."""
    r = team_texts.get(name)
    return product_text if r is None else f"{r.text} (edited by {r.updated_by} on {ui.fmt_date(r.updated_at.date())})"


# ---- stages ------------------------------------------------------------------------------------------------
ui.section("The funnel's stages", "Lead → MQL → SQL → Opportunity → Won. The owner team answers for the stage; "
           "a named person is optional.")
stage_owners = get_setting(con, "stage_owners", {}) or {}
stage_people = get_setting(con, "stage_owner_people", {}) or {}
stages = pd.DataFrame([{"stage": s, "definition": worded(f"stage:{s}", d), "owner": stage_owners.get(s, "shared"),
                        "person": stage_people.get(s, "")} for s, d in STAGES])
stages_edit = ui.editor(stages, hide_index=True, key=f"stages_editor_{rnd}", disabled=["stage", "definition"],
                             placeholder="",
                             column_config={
                                 "stage": "Stage",
                                 "definition": st.column_config.TextColumn("Definition", width="large"),
                                 "owner": st.column_config.SelectboxColumn("Owner team", options=TEAMS, required=True, format_func=str.capitalize),
                                 "person": st.column_config.TextColumn("Owner (person)", help="Optional."),
                             })
if st.button("Save stage owners", key="save_stages", icon=":material/save:", disabled=read_only):
    owners_new = {r.stage: r.owner for r in stages_edit.itertuples()}
    people_new = {r.stage: str(r.person).strip() for r in stages_edit.itertuples()
                  if isinstance(r.person, str) and r.person.strip()}
    set_setting(con, "stage_owners", owners_new, access.writer("settings"))
    set_setting(con, "stage_owner_people", people_new, access.writer("settings"))
    saved("Stage owners saved.")

# ---- metrics ------------------------------------------------------------------------------------------------
ui.section("Metrics", "Every number the dashboard shows, what it means, its formula, which team owns it and its "
           "target. Percent targets are entered as percent (90 = 90%); an empty target uses the default "
           "(the Ownership page holds each team to it). Formulas are the product's; the words are yours to edit below.")
metric_owners = get_setting(con, "metric_owners", {}) or {}
targets = get_setting(con, "metric_targets", {}) or {}


def shown_target(key):
    t = targets.get(key)
    if t is None:
        return None
    return t * 100 if METRICS[key].fmt in ("pct", "share") else t


LAYER = layer.layer().measures


metrics = pd.DataFrame([{"label": mt.label, "key": k, "definition": worded(f"measure:{k}", mt.definition),
                         "formula": layer.formula(k) if k in LAYER else "", "unit": UNITS[mt.fmt],
                         "better": ("lower" if LAYER[k].lower_is_better else "higher") if k in LAYER else "higher",
                         "additive": bool(k in LAYER and LAYER[k].additive),
                         "owner": metric_owners.get(k, mt.owner), "target": shown_target(k),
                         "default_target": layer.default_target_text(k) if k in LAYER else ""}
                        for k, mt in METRICS.items()])
metrics_edit = ui.editor(metrics, hide_index=True, key=f"metrics_editor_{rnd}", height=460, placeholder="–",
                              disabled=["label", "key", "definition", "formula", "unit", "better", "additive",
                                        "default_target"],
                              column_config={
                                  "label": "Metric", "key": st.column_config.TextColumn("Key", help="Its name in the CLI's JSON."),
                                  "definition": st.column_config.TextColumn("Definition", width="large"),
                                  "formula": st.column_config.TextColumn("Formula", width="medium"),
                                  "unit": "Unit",
                                  "better": st.column_config.TextColumn("Better when", help="higher or lower"),
                                  "additive": st.column_config.CheckboxColumn(
                                      "Adds up over time", help="A week's value plus the next week's is the "
                                                                "fortnight's (counts and amounts; never rates)."),
                                  "default_target": st.column_config.TextColumn(
                                      "Default target", help="Used when the Target column is empty."),
                                  "owner": st.column_config.SelectboxColumn("Owner team", options=TEAMS, required=True, format_func=str.capitalize),
                                  "target": st.column_config.NumberColumn("Target", help="Empty = no target."),
                              })
if st.button("Save metric owners and targets", key="save_metrics", icon=":material/save:", disabled=read_only):
    owners_new = {r.key: r.owner for r in metrics_edit.itertuples() if r.owner != METRICS[r.key].owner}
    targets_new = {}
    for r in metrics_edit.itertuples():
        if r.target is None or pd.isna(r.target):
            continue
        targets_new[r.key] = float(r.target) / 100 if METRICS[r.key].fmt in ("pct", "share") else float(r.target)  # not a rate: percent typed as 90
    set_setting(con, "metric_owners", owners_new, access.writer("settings"))
    set_setting(con, "metric_targets", targets_new, access.writer("settings"))
    saved("Metric owners and targets saved.")

# ---- conversions: every conversion-like measure side by side ---------------------------------------------------
ui.section("Conversions",
           f"Every rate that someone may call \"conversion\", for {view.label.lower()} "
           f"({ui.fmt_date(view.start)} – {ui.fmt_date(view.end)}), with its formula. They differ because they "
           "count different groups; pick two to see the records behind the difference.")
conversions = layer.names(conversion=True)
values = ui.measures(conversions, view.params())
ui.table(pd.DataFrame([{"Conversion": METRICS[k].label, "Value": ui.fmt_metric(k, values[k]),
                            "Formula": layer.formula(k), "What it counts": METRICS[k].definition}
                           for k in conversions]),
             hide_index=True, key="conversions_table", width="stretch",
             column_config={"Formula": st.column_config.TextColumn(width="medium"),
                            "What it counts": st.column_config.TextColumn(width="large")})
listable = [k for k in conversions if layer.ratio_parts(k)]
c1, c2 = st.columns(2)
first = c1.selectbox("Compare", listable, index=listable.index("win_rate"), format_func=lambda k: METRICS[k].label,
                     key="conv_a")
second = c2.selectbox("with", listable, index=listable.index("won_per_opportunity"),
                      format_func=lambda k: METRICS[k].label, key="conv_b")
if first == second:
    st.caption("Pick two different conversions.")
else:
    diff = ui.conversion_difference(first, second, view.params())
    st.markdown(f"**{METRICS[first].label}** {ui.fmt_metric(first, values[first])} against "
                f"**{METRICS[second].label}** {ui.fmt_metric(second, values[second])}")
    for part in diff:
        st.caption(part["title"])
        if part["records"].empty:
            st.caption("– none –")
        else:
            ui.table(part["records"], hide_index=True, key=f"conv_diff_{part['key']}",
                         column_config={"record_type": "Kind", "record": "Record"})

# ---- dimensions ------------------------------------------------------------------------------------------------
with st.expander("Dimensions: what a breakdown splits by"):
    ui.table(pd.DataFrame([{"Dimension": d.label, "Name": n, "Definition": d.definition}
                               for n, d in layer.layer().dimensions.items()]),
                 hide_index=True, key="dimensions_table", width="stretch",
                 column_config={"Definition": st.column_config.TextColumn(width="large")})

# ---- definition texts: the teams' words -------------------------------------------------------------------------
ui.section("Definitions in your team's words",
           "Rewrite what a stage or a metric means in the words your teams use. Only the words change: the "
           "number is still computed by OneFunnel's formula. Empty the text (or press the button) to go back to "
           "OneFunnel's words. Every change is kept with who made it and when.")
product_texts = wording.product_texts()
metric_labels = {f"measure:{k}": m.label for k, m in METRICS.items()}
text_name = st.selectbox("Stage or metric", list(product_texts), key="definition_text_name",
                         format_func=lambda n: f"Stage · {n[6:]}" if n.startswith("stage:")
                         else f"Metric · {metric_labels[n]} ({n[8:]})")
mine = team_texts.get(text_name)
text_new = st.text_area("Definition", value=mine.text if mine else product_texts[text_name], height=100,
                        key=f"definition_text_{text_name}_{rnd}")
if mine:
    st.caption(f"In your team's words since {ui.fmt_date(mine.updated_at.date())} ({ui.md(mine.updated_by)}). "
               f"OneFunnel's words: {product_texts[text_name]}")
t1, t2 = st.columns(2)
if t1.button("Save definition", key="save_definition_text", icon=":material/save:", disabled=read_only):
    changed = wording.set_definition_text(con, text_name, text_new, access.writer("settings"))
    saved("Definition saved." if changed else "Definition: nothing changed.")
if mine and t2.button("Back to OneFunnel's words", key="reset_definition_text", icon=":material/undo:",
                            disabled=read_only):
    wording.set_definition_text(con, text_name, "", access.writer("settings"))
    saved("Definition back to OneFunnel's words.")
text_history = ui.query("definition_text_changes", definition=text_name)
with st.expander(f"History of this definition ({len(text_history)} change{'' if len(text_history) == 1 else 's'})"):
    if text_history.empty:
        st.caption("Never changed: OneFunnel's words.")
    else:
        ui.table(text_history.fillna({"old_text": "(OneFunnel's words)", "new_text": "(OneFunnel's words)"}),
                     hide_index=True, key="definition_text_history", column_config={
                         "changed_at": st.column_config.DatetimeColumn("When", format="MMM D, YYYY HH:mm"),
                         "changed_by": "Who",
                         "old_text": st.column_config.TextColumn("From", width="large"),
                         "new_text": st.column_config.TextColumn("To", width="large")})

# ---- general settings -------------------------------------------------------------------------------------------
ui.section("Settings", "The follow-up SLA, when an open deal counts as stalled, and when the fiscal year starts "
           "(quarters and years in the period picker follow it).")
c1, c2, c3 = st.columns(3)
sla = c1.number_input("Follow-up SLA (hours)", min_value=1.0, max_value=24.0 * 30, step=1.0,
                      value=float(get_setting(con, "sla_hours", 24)), key=f"sla_hours_{rnd}",
                      help="An MQL must get a first sales activity within this many hours. " +
                           METRICS["sla_compliance"].definition)
stall = c2.number_input("Stalled after (days)", min_value=1, max_value=365, step=1,
                        value=int(get_setting(con, "stall_days", 14)), key=f"stall_days_{rnd}",
                        help="An open deal with no change for this many days counts as stalled (Teams pages).")
fy = c3.selectbox("Fiscal year starts in", list(range(1, 13)), format_func=lambda m: calendar.month_name[m],
                  index=int(get_setting(con, "fiscal_year_start_month", 1)) - 1, key=f"fy_{rnd}")
if st.button("Save settings", key="save_settings", icon=":material/save:", disabled=read_only):
    set_setting(con, "sla_hours", float(sla) if float(sla) != int(sla) else int(sla), access.writer("settings"))
    set_setting(con, "stall_days", int(stall), access.writer("settings"))
    set_setting(con, "fiscal_year_start_month", int(fy), access.writer("settings"))
    saved("Settings saved.")

# ---- settings tables ------------------------------------------------------------------------------------------------
ui.section("Which stage names mean closed and won",
           "An opportunity is closed or won by its export's own flags when it has them, else by this table "
           "(names compared ignoring case and spaces at the ends). A won stage is always closed.")
stage_map = settings_tables.read_table(con, "stage_map")
stage_map_edit = ui.editor(stage_map, hide_index=True, num_rows="dynamic", key=f"stage_map_editor_{rnd}",
                                column_config={
                                    "stage": st.column_config.TextColumn("Stage name", required=True),
                                    "is_closed": st.column_config.CheckboxColumn("Closed", default=True),
                                    "is_won": st.column_config.CheckboxColumn("Won", default=False),
                                })
seen = ui.query("definitions_stage_names")
unmapped = seen[~seen["mapped"]]
if not unmapped.empty:
    st.caption("Stage names in your data that are not in this table (read as open unless the export says otherwise): "
               + ", ".join(f"{r.stage} ({r.opportunities})" for r in unmapped.itertuples()))


def save_table(table: str, rows: pd.DataFrame, what: str) -> None:
    try:
        changed = settings_tables.save_table(con, table, rows, access.writer("settings"))
    except ValueError as exc:
        st.error(ui.md(exc), icon=":material/error:")
        return
    saved(f"{what} saved." if changed else f"{what}: nothing changed.")


if st.button("Save stage names", key="save_stage_map", icon=":material/save:", disabled=read_only):
    save_table("stage_map", stage_map_edit, "Stage names")

ui.section("Channels", "Rename source values so that the same channel from different tools meets "
           "(e.g. Salesforce 'Web' and HubSpot 'Organic Search'). A value not listed is its own channel.")
sources = ui.query("definitions_sources")
a, b = st.columns(2)
with a:
    channel_map = settings_tables.read_table(con, "channel_map")
    channel_map_edit = ui.editor(channel_map, hide_index=True, num_rows="dynamic", key=f"channel_map_editor_{rnd}",
                                      column_config={
                                          "source": st.column_config.SelectboxColumn(
                                              "Source value", options=sorted(set(sources["source"]) | set(channel_map["source"])),
                                              required=True),
                                          "channel": st.column_config.TextColumn("Counts as channel", required=True),
                                      })
    if st.button("Save channel map", key="save_channel_map", icon=":material/save:", disabled=read_only):
        save_table("channel_map", channel_map_edit, "Channel map")
with b:
    nms = settings_tables.read_table(con, "non_marketing_sources")
    nms_edit = ui.editor(nms, hide_index=True, num_rows="dynamic", key=f"nms_editor_{rnd}",
                              column_config={"source": st.column_config.SelectboxColumn(
                                  "Not a marketing source", options=sorted(set(sources["source"]) | set(nms["source"])),
                                  required=True,
                                  help="Leads from these sources (e.g. Outbound, Partner) get no origin touch, so "
                                       "they count as neither marketing-influenced nor credited to a channel.")})
    if st.button("Save non-marketing sources", key="save_nms", icon=":material/save:", disabled=read_only):
        save_table("non_marketing_sources", nms_edit, "Non-marketing sources")
if not sources.empty:
    with st.expander("Source values in your data"):
        ui.table(sources, hide_index=True, column_config={
            "source": "Source value", "records": st.column_config.NumberColumn("Records", format="%d"),
            "channel": "Counts as", "non_marketing": st.column_config.CheckboxColumn("Not marketing")})

ui.section("Owner names", "Exports written by an API (Salesforce Data Loader, HubSpot owner ids) name record owners "
           "by id. Give an id the name your team knows: every page, the owner lists and the CLI show the name.")
owners = ui.query("definitions_owners")
owner_names = settings_tables.read_table(con, "owner_names")
unnamed = owners[owners["looks_like_id"] & owners["name"].isna()]
if not unnamed.empty:
    st.caption("Owners in your data that look like ids and have no name yet: "
               + ", ".join(f"{r.owner} ({r.records:,} record{'s' if r.records != 1 else ''})"
                         for r in unnamed.head(10).itertuples())
               + (f", and {len(unnamed) - 10} more" if len(unnamed) > 10 else "")
               + ". Add a row, pick the id and type the name.")
owner_names_edit = ui.editor(owner_names, hide_index=True, num_rows="dynamic", key=f"owner_names_editor_{rnd}",
                                  column_config={
                                      "owner": st.column_config.SelectboxColumn(
                                          "Owner in the export",
                                          options=list(dict.fromkeys(owners["owner"].tolist() + owner_names["owner"].tolist())),
                                          required=True),
                                      "name": st.column_config.TextColumn("Shown as", required=True),
                                  })
if st.button("Save owner names", key="save_owner_names", icon=":material/save:", disabled=read_only):
    save_table("owner_names", owner_names_edit, "Owner names")

# ---- owner directory -------------------------------------------------------------------------------------------
ui.section("Owner directory", "Each owner's team, manager and region: they become dimensions for breakdowns "
           "(won revenue by region, SLA by manager). Owners are named as the pages show them (after Owner names).")
directory = settings_tables.read_table(con, "owner_directory")
if directory.empty:
    st.info("The directory is empty. List your owners with their team, manager and region, so numbers can be "
            "broken down by team, manager and region: add rows below, or import a CSV with a column naming the "
            "owner (owner, sales_agent, rep or name) and any of team, manager, region (or regional_office).",
            icon=":material/groups:")
shown_owners = ui.query("definitions_owners")
directory_edit = ui.editor(
    directory, hide_index=True, num_rows="dynamic", key=f"owner_directory_editor_{rnd}", placeholder="–",
    column_config={
        "owner": st.column_config.SelectboxColumn(
            "Owner", required=True,
            options=list(dict.fromkeys(shown_owners["name"].fillna(shown_owners["owner"]).tolist()
                                       + directory["owner"].tolist()))),
        "team": st.column_config.TextColumn("Team", help="Optional."),
        "manager": st.column_config.TextColumn("Manager", help="Optional."),
        "region": st.column_config.TextColumn("Region", help="Optional."),
    })
if st.button("Save owner directory", key="save_owner_directory", icon=":material/save:", disabled=read_only):
    save_table("owner_directory", directory_edit, "Owner directory")
directory_file = st.file_uploader(
    "Import a directory (CSV)", type=["csv", "txt"], key=f"owner_directory_upload_{rnd}", disabled=read_only,
    help="A header naming the owner (owner, sales_agent, rep or name) and any of team, manager, region "
         "(or regional_office). Owners already listed are replaced by the file's row; the others are kept.")
if directory_file is not None and st.button("Import the directory", key="import_owner_directory",
                                            icon=":material/upload:", disabled=read_only):
    try:
        got = settings_tables.import_owner_directory(con, directory_file.getvalue(), directory_file.name,
                                                     access.writer("settings"))
    except ValueError as exc:
        st.error(ui.md(exc), icon=":material/error:")
    else:
        saved(f"Owner directory: {got.owners} owner{'' if got.owners == 1 else 's'} read from {ui.md(directory_file.name)} "
              f"({got.added} added, {got.replaced} replaced"
              + (f", {got.skipped} row{'' if got.skipped == 1 else 's'} without an owner skipped" if got.skipped else "")
              + ").")

# ---- change log -----------------------------------------------------------------------------------------------
ui.section("Recent changes", "Settings, goals and the tables above: who changed what, and when.")
log = ui.query("definitions_settings_log", limit=50)
if log.empty:
    st.caption("No change yet: every setting has its default value.")
else:
    readable = [ui.change_text(r.setting, r.old_value, r.new_value) for r in log.itertuples()]
    log = log.assign(setting=[w for w, _, _ in readable], old_value=[f for _, f, _ in readable],
                     new_value=[t for _, _, t in readable])
    ui.table(log, hide_index=True, key="settings_log", column_config={
        "changed_at": st.column_config.DatetimeColumn("When", format="MMM D, YYYY HH:mm"),
        "changed_by": "Who", "setting": "What",
        "old_value": st.column_config.TextColumn("From", width="medium"),
        "new_value": st.column_config.TextColumn("To", width="medium")})

# ---- templates -------------------------------------------------------------------------------------------------
ui.section("Upload templates", "Besides the exports of HubSpot, Salesforce, Pipedrive, Google Ads, LinkedIn and "
           "Meta, the Data page reads these plain CSV files (UTF-8, comma-separated, header row as shown; "
           "dates as YYYY-MM-DD or YYYY-MM-DD HH:MM). Only the columns you have are needed, plus the key "
           "(an email or an id).")
for name, (file_name, header, example) in TEMPLATES.items():
    with st.container(border=True):
        h1, h2 = st.columns([4, 1], vertical_alignment="center")
        h1.markdown(f"**{name}** · `{file_name}`")
        h2.download_button("Template", data=(header + "\n" + example + "\n").encode("utf-8"), file_name=file_name,
                           mime="text/csv", icon=":material/download:", key=f"template_{file_name}")
        st.code(header + "\n" + example, language="text", wrap_lines=True)
st.page_link("pages/data.py", label="Upload files on the Data page", icon=":material/upload:",
             query_params=st.query_params.to_dict())
