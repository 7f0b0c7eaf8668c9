"""People: who may sign in and with which role (admins only; onefunnel/access.py).

Queries: people_allow_list, people_changes.
"""

import streamlit as st

from onefunnel import access, ui

st.title("People")
if access.view_only("people"):
    st.stop()
st.caption("Who may sign in, and what each may change. An entry is an e-mail (ann@acme.test) or a whole domain "
           "(@acme.test); a person's own entry beats their domain's. Viewers see every page; editors also change "
           "goals, quotas, settings, definitions, decisions and saved queries; admins also import, take imports "
           "back, change mappings and manage this list.")

con = ui.cursor()
if not access.auth_configured():
    st.info("Single-user mode: no sign-in is configured ([auth] in .streamlit/secrets.toml), so this list is not "
            "used yet. See README, Deploy.", icon=":material/no_accounts:")
admins = access.first_admins()
if admins:
    st.caption("First admins, from the secrets (cannot be changed here): " + ", ".join(map(access.plain, admins)))

note = st.session_state.pop("people_saved", None)
if note:
    st.success(note, icon=":material/check_circle:")

ui.section("Allow-list", "Every change is logged with who made it and when.")
people = ui.query("people_allow_list")
if people.empty:
    st.caption("Nobody is on the list yet.")
else:
    # a domain shows without its "@" (its kind says it is one): a cell starting with "@" would be quoted as a formula
    ui.table(people.assign(entry=people["entry"].str.lstrip("@")), hide_index=True, key="people_table", column_config={
        "entry": "E-mail or domain", "kind": "Kind", "role": "Role", "changed_by": "Changed by",
        "changed_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm")})

with st.form("people_add", clear_on_submit=True):
    c1, c2 = st.columns([3, 1])
    entry = c1.text_input("E-mail or domain", key="people_entry", placeholder="ann@acme.test or @acme.test")
    role = c2.selectbox("Role", access.ROLES, key="people_role")
    if st.form_submit_button("Give this role", icon=":material/person_add:"):
        try:
            changed = access.set_role(con, entry, role, access.writer("people"))
        except ValueError as exc:
            st.error(f"Not saved: {exc}.", icon=":material/error:")
        else:
            st.session_state["people_saved"] = (f"{access.plain(access.normalise_entry(entry))} is now {role}."
                                                if changed else "Nothing changed.")
            st.rerun()

if not people.empty:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    gone = c1.selectbox("Entry", people["entry"].tolist(), index=None, key="people_remove_pick",
                        placeholder="Pick an entry to remove")
    if c2.button("Remove from the list", icon=":material/person_remove:", key="people_remove", disabled=gone is None):
        access.set_role(con, gone, None, access.writer("people"))
        st.session_state["people_saved"] = f"{access.plain(gone)} was removed from the list."
        st.rerun()

changes = ui.query("people_changes", limit=50)
if not changes.empty:
    with st.expander("Recent changes"):
        ui.table(changes, hide_index=True, key="people_changes", column_config={
            "changed_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
            "changed_by": "Who", "entry": "Entry", "old_role": "From", "new_role": "To"})
