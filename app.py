"""OneFunnel: the app shell. Wires navigation and the shared sidebar; pages live in pages/."""

import logging
import traceback

import streamlit as st

from onefunnel import ROOT
from onefunnel import access, ui

# a local icon: a material-icon favicon is fetched from Google's font server, which an offline machine lacks
st.set_page_config(page_title="OneFunnel", page_icon=str(ROOT / "onefunnel" / "assets" / "icon.png"), layout="wide")

SECTIONS = {
    "Leadership": [
        ("pages/goal.py", "Joint goal", ":material/flag:", True),
        ("pages/funnel.py", "Funnel", ":material/filter_alt:", False),
        ("pages/review.py", "Weekly review", ":material/event_note:", False),
    ],
    "Teams": [
        ("pages/standup.py", "Standup", ":material/groups:", False),
        ("pages/ownership.py", "Ownership", ":material/account_tree:", False),
        ("pages/marketing.py", "Marketing", ":material/campaign:", False),
        ("pages/sales.py", "Sales", ":material/handshake:", False),
        ("pages/friction.py", "Friction", ":material/warning:", False),
        ("pages/wins.py", "Wins board", ":material/celebration:", False),
        ("pages/deal.py", "Deal", ":material/request_quote:", False),
    ],
    "Credit": [
        ("pages/attribution.py", "Attribution", ":material/pie_chart:", False),
        ("pages/spend.py", "Spend & ROI", ":material/payments:", False),
    ],
    "Explore": [
        ("pages/explore.py", "Explore", ":material/explore:", False),
    ],
    "Data": [
        ("pages/data.py", "Upload & history", ":material/upload_file:", False),
        ("pages/definitions.py", "Definitions", ":material/menu_book:", False),
        ("pages/console.py", "SQL console", ":material/terminal:", False),
        ("pages/people.py", "People", ":material/group:", False),
    ],
}
ADMIN_ONLY = {"pages/people.py"}

ui.begin_run()   # the run's checks of the data (fresh tables, version) are made once, not per query

# who is here (onefunnel/access.py): with [auth] in the secrets, nobody sees a number before signing in,
# and a signed-in person on no allow-list sees a refusal instead of the pages
person = access.current()
access.remember(person)

pages = {}
has_default = any(default and (ROOT / path).exists() for s in SECTIONS.values() for path, _, _, default in s)
for section, entries in SECTIONS.items():
    present = [st.Page(path, title=title, icon=icon, default=default or (not has_default and path == "pages/data.py"))
               for path, title, icon, default in entries if (ROOT / path).exists()
               and (path not in ADMIN_ONLY or person.may("people"))]
    if present:
        pages[section] = present

if not access.may_see(person):
    st.navigation(pages, position="hidden")
    access.gate(person)
    st.stop()
page = st.navigation(pages, expanded=True)   # every page listed: no "View more" fold
access.sidebar(person)
st.session_state["_view"] = ui.sidebar()

try:
    page.run()
except Exception:  # no stack trace reaches the browser; the server log keeps it
    logging.getLogger("onefunnel").error("page %s failed:\n%s", page.title, traceback.format_exc())
    st.error("Something went wrong while drawing this page. The details are in the server log; "
             "try another period, or reload the page.", icon=":material/error:")
