"""Who is signed in, which role they have, and what that role may change.

With an `[auth]` section in .streamlit/secrets.toml the app signs people in with `st.login` (OIDC) and
shows nothing to anyone who is not signed in and on the allow-list. The allow-list (table `people`,
migration 019) holds e-mails and whole domains ('@acme.test') with a role; an e-mail's own entry beats
its domain's. The first admins come from the secrets (`[onefunnel] admins = ["ann@acme.test"]`) and
cannot be demoted in the app. Without `[auth]` the app runs in single-user mode: whoever reaches it is
an admin, and `make run` listens on 127.0.0.1 only (onefunnel/serve.py).

Roles, each with everything of the one before it:
- viewer: sees every page, changes nothing;
- editor: goals, quotas, settings, definitions, decisions, comments, saved queries;
- admin: imports, undo, column and campaign mappings, people and roles.

Every write in a page passes `access.writer(action)` as the name for the log: it refuses (and stops the
page) when the person may not, and otherwise returns their name (tests/test_house.py checks this).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from onefunnel.db import log_change, transaction
from onefunnel.safe import md

ROLES = ("viewer", "editor", "admin")

# action -> (the least role that may do it, what it is in words)
ACTIONS = {
    "goals": ("editor", "change goals and quotas"),
    "settings": ("editor", "change definitions and settings"),
    "decisions": ("editor", "record decisions and actions"),
    "queries": ("editor", "save or delete shared queries"),
    "feedback": ("editor", "give verdicts on leads and rate materials"),
    "comments": ("editor", "post comments"),
    "import": ("admin", "import files"),
    "undo": ("admin", "take back an import"),
    "mappings": ("admin", "change column and campaign mappings"),
    "people": ("admin", "manage people and roles"),
}

SINGLE_USER_NAME = "app user"
EMAIL = re.compile(r"[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
DOMAIN = re.compile(r"@?([a-z0-9-]+(\.[a-z0-9-]+)+)")


def plain(text: str) -> str:
    """Text from an identity provider or a typed entry shown as written in Streamlit's markdown (a display name
    of `![x](https://...)` fetches nothing and links nowhere): safe.md."""
    return md(text)


def email_text(email: str) -> str:
    """An e-mail for Streamlit's markdown: as code (markdown's autolinker makes any other e-mail a mailto
    link, escaped or not), or escaped when it has characters a code span cannot hold."""
    return f"`{email}`" if EMAIL.fullmatch(email or "") or DOMAIN.fullmatch(email or "") else plain(email)


@dataclass(frozen=True)
class Person:
    email: str | None       # lower-case; None in single-user mode or before sign-in
    name: str | None
    role: str | None        # None: not signed in, or signed in but on no allow-list
    signed_in: bool
    single_user: bool

    def may(self, action: str) -> bool:
        least, _ = ACTIONS[action]
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(least)

    @property
    def shown(self) -> str:
        """log_name for a page: the name as text, the e-mail as code."""
        if self.name and self.name.strip().lower() != self.email:
            return f"{plain(self.name.strip())} ({email_text(self.email or '')})"
        return email_text(self.email or "(unknown)")

    @property
    def log_name(self) -> str:
        """The name written to change logs: 'Ann Lee (ann@acme.test)', or the e-mail alone."""
        if self.single_user:
            return SINGLE_USER_NAME
        if self.name and self.name.strip().lower() != self.email:
            return f"{self.name.strip()} ({self.email})"
        return self.email or "(unknown)"


# ---- the allow-list (no Streamlit needed) -------------------------------------------------------------------

def normalise_entry(entry: str) -> str:
    """'Ann@Acme.test ' -> 'ann@acme.test'; 'acme.test' or '@acme.test' -> '@acme.test'. Raises ValueError."""
    e = (entry or "").strip().lower()
    if EMAIL.fullmatch(e) and not e.startswith("@"):
        return e
    m = DOMAIN.fullmatch(e)
    if m:
        return "@" + m.group(1)
    raise ValueError(f"{entry!r} is neither an e-mail (ann@acme.test) nor a domain (@acme.test)")


def role_of(con, email: str | None, admins=()) -> str | None:
    """The role of a signed-in e-mail: admin if it is one of the first admins (secrets), else its own entry's
    role, else its domain's, else None (not on the allow-list)."""
    if not email:
        return None
    email = email.strip().lower()
    if email in {a.strip().lower() for a in admins}:
        return "admin"
    domain = "@" + email.rsplit("@", 1)[-1]
    rows = dict(con.execute("select entry, role from people where entry in (?, ?)", [email, domain]).fetchall())
    return rows.get(email) or rows.get(domain)


def set_role(con, entry: str, role: str | None, who: str) -> bool:
    """Give an e-mail or a domain a role (None removes the entry); logged in settings_log under
    'people:<entry>'. Returns False when nothing changed."""
    entry = normalise_entry(entry)
    if role is not None and role not in ROLES:
        raise ValueError(f"a role is one of {', '.join(ROLES)}, got {role!r}")
    old = con.execute("select role from people where entry = ?", [entry]).fetchall()
    old = old[0][0] if old else None
    if old == role:
        return False
    with transaction(con):
        if role is None:
            con.execute("delete from people where entry = ?", [entry])
        else:
            con.execute("insert or replace into people (entry, role, changed_at, changed_by)"
                        " values (?, ?, current_localtimestamp(), ?)", [entry, role, who])
        log_change(con, f"people:{entry}", old, role, who)
    return True


# ---- the signed-in person (Streamlit) ------------------------------------------------------------------------

@functools.cache
def _secrets_files() -> tuple[str, ...]:
    from streamlit import config

    return tuple(config.get_option("secrets.files") or ())


def _secrets() -> dict:
    """st.secrets as a dict; {} without a secrets file. Asked several times per page run, so a missing file is
    told by a stat instead of by Streamlit's exception (about 1 ms each)."""
    import os

    import streamlit as st

    if getattr(st.secrets, "_secrets", None) is None and not any(os.path.exists(f) for f in _secrets_files()):
        return {}
    try:
        return st.secrets.to_dict()
    except Exception:   # no readable secrets file: single-user mode
        return {}


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (st.login is possible)."""
    return bool(_secrets().get("auth"))


def first_admins() -> list[str]:
    """[onefunnel] admins of the secrets: a list of e-mails (one e-mail as a plain string is read too)."""
    admins = (_secrets().get("onefunnel") or {}).get("admins", [])
    return [str(a).strip().lower() for a in ([admins] if isinstance(admins, str) else admins) if str(a).strip()]


def current(con=None) -> Person:
    """The person using this session, with their role read afresh from the allow-list."""
    import streamlit as st

    if not auth_configured():
        return Person(None, None, "admin", signed_in=False, single_user=True)
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return Person(None, None, None, signed_in=False, single_user=False)
    email = str(user.get("email") or "").strip().lower() or None
    name = user.get("name")
    if user.get("email_verified") is False:   # an identity provider that says the e-mail is not proven
        return Person(email, name, None, signed_in=True, single_user=False)
    if con is None:
        from onefunnel import ui
        con = ui.session_cursor()
    return Person(email, name, role_of(con, email, first_admins()), signed_in=True, single_user=False)


def remember(person: Person) -> None:
    """app.py reads the person once at the start of every run; the page's checks reuse it (writer() reads
    afresh)."""
    import streamlit as st

    st.session_state["_access_person"] = person


def person_of_this_run(con=None) -> Person:
    import streamlit as st

    return st.session_state.get("_access_person") or current(con)


def can(action: str) -> bool:
    """May the person of this session do `action` (a key of ACTIONS)?"""
    return person_of_this_run().may(action)


def writer(action: str) -> str:
    """The name to log a write of `action` under. When the person may not do it, shows why and stops the run
    before anything is written."""
    import streamlit as st

    person = current()
    st.session_state.pop("_onefunnel_run", None)   # the run's memo of the data's version: a write follows
    if not person.may(action):
        least, words = ACTIONS[action]
        are = f"; you are {'an' if person.role[0] in 'ae' else 'a'} {person.role}" if person.role else ""
        st.error(f"Not saved: to {words} you need the {least} role{are}. Ask an admin.", icon=":material/lock:")
        st.stop()
    if person.single_user:
        return str(st.session_state.get("who") or "").strip() or SINGLE_USER_NAME
    return person.log_name


def view_only(action: str) -> bool:
    """True (and a note on the page) when the person may not do `action`: the page then disables its edits."""
    import streamlit as st

    person = person_of_this_run()
    if person.may(action):
        return False
    least, words = ACTIONS[action]
    st.caption(f":material/visibility: View only: to {words} you need the {least} role. Ask an admin.")
    return True


def name_input(container=None, label: str = "Your name, for the change log", **kwargs) -> None:
    """Single-user mode: the text box whose name goes into the log. Signed in: a line saying which name the
    log will keep (the sign-in's)."""
    import streamlit as st

    where = container or st
    person = person_of_this_run()
    if person.single_user:
        where.text_input(label, key="who", placeholder="e.g. Dana Reyes", **kwargs)
    elif person.signed_in:
        where.caption(f"Changes are logged as {person.shown}.")


# ---- the gate in app.py --------------------------------------------------------------------------------------

def may_see(person: Person) -> bool:
    return person.single_user or person.role is not None


def gate(person: Person) -> None:
    """What someone who may not see the numbers gets instead of the page: a sign-in button, or a refusal."""
    import streamlit as st

    st.title("OneFunnel")
    if not person.signed_in:
        st.write("Sign in with your company account to see the numbers.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, key="sign_in")
        return
    who = email_text(person.email) if person.email else "this account"
    st.error(f"You are signed in as {who}, which is not on OneFunnel's list of people (or its e-mail is not "
             "verified). Ask an admin to add you on the People page.", icon=":material/block:")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign_out")


def sidebar(person: Person) -> None:
    """Who is signed in, with their role and a sign-out button; or the single-user banner."""
    import streamlit as st

    with st.sidebar:
        if person.single_user:
            st.warning("**Single-user mode**: no sign-in is configured, so whoever reaches this address can read "
                       "and change everything. See README, Deploy.", icon=":material/no_accounts:")
        else:
            st.caption(f":material/account_circle: {person.shown} · {person.role}")
            st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sidebar_sign_out")
