"""Sign-in, roles and the allow-list (onefunnel/access.py): the rules, and the app's gate and writes in AppTest.

The leadership story (tests/fixtures/leadership) gives the goal page its numbers: Sep 2026's goal is 30000.
AppTest stands in for the identity provider: `at.secrets["auth"]` makes sign-in configured and `at.user` is
the claims a provider would send (tests/browser/test_signin.py runs the real OIDC flow).
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from onefunnel import access
from tests.conftest import ROOT, shown
from tests.fixtures.leadership.story import TODAY, load_story

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "onefunnel",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


# ---- the allow-list, no app -----------------------------------------------------------------------------------

def test_entries_are_emails_or_whole_domains():
    assert access.normalise_entry(" Ann@Acme.Test ") == "ann@acme.test"
    assert access.normalise_entry("acme.test") == "@acme.test"
    assert access.normalise_entry("@Sub.Acme.test") == "@sub.acme.test"
    for bad in ("", "ann", "ann@", "@", "a b@acme.test", "acme"):
        with pytest.raises(ValueError):
            access.normalise_entry(bad)


def test_role_by_email_then_domain_then_first_admins(con):
    access.set_role(con, "@acme.test", "viewer", "Root (root@acme.test)")
    access.set_role(con, "ed@acme.test", "editor", "Root (root@acme.test)")
    assert access.role_of(con, "someone@acme.test") == "viewer"           # the domain's entry
    assert access.role_of(con, "Ed@ACME.test") == "editor"                # own entry beats the domain's
    assert access.role_of(con, "eve@evil.example") is None                # on no list
    assert access.role_of(con, "eve@sub.acme.test") is None               # a sub-domain is another domain
    assert access.role_of(con, "eve@acme.test.evil.example") is None
    assert access.role_of(con, "boss@elsewhere.test", admins=["Boss@elsewhere.test"]) == "admin"
    assert access.role_of(con, "ed@acme.test", admins=["ed@acme.test"]) == "admin"   # the secrets win
    assert access.role_of(con, None) is None


def test_role_changes_are_logged_with_the_name_and_removal_takes_the_role(con):
    assert access.set_role(con, "ED@acme.test", "editor", "Root (root@acme.test)") is True
    assert access.set_role(con, "ed@acme.test", "editor", "Root (root@acme.test)") is False   # nothing changed
    assert access.set_role(con, "ed@acme.test", None, "Ann (ann@acme.test)") is True
    assert access.role_of(con, "ed@acme.test") is None
    log = con.execute("select key, old_value, new_value, changed_by from settings_log where key like 'people:%'"
                      " order by rowid").fetchall()
    assert log == [("people:ed@acme.test", None, json.dumps("editor"), "Root (root@acme.test)"),
                   ("people:ed@acme.test", json.dumps("editor"), None, "Ann (ann@acme.test)")]
    with pytest.raises(ValueError):
        access.set_role(con, "ed@acme.test", "owner", "x")


def test_what_each_role_may_do():
    def person(role):
        return access.Person("p@acme.test", "P", role, signed_in=True, single_user=False)
    may = {role: {a for a in access.ACTIONS if person(role).may(a)} for role in access.ROLES}
    assert may["viewer"] == set()
    # issue 15: editors change goals, quotas, settings, definitions, decisions, feedback and comments
    assert may["editor"] == {"goals", "settings", "decisions", "queries", "feedback", "comments"}
    assert may["admin"] == set(access.ACTIONS)
    assert not {a for a in access.ACTIONS if person(None).may(a)}            # a stranger may nothing
    assert person("editor").log_name == "P (p@acme.test)"


# ---- the app ----------------------------------------------------------------------------------------------------

@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    from onefunnel.db import connect
    con = connect(app_env)
    access.set_role(con, "@acme.test", "viewer", "test")
    access.set_role(con, "ed@acme.test", "editor", "test")
    con.close()
    return app_env


def _app(user: dict | None, page: str = "pages/goal.py", admins=()) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.secrets["onefunnel"] = {"admins": list(admins)}
        at.user = user
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def _goal_log(db) -> list:
    from onefunnel.db import connect
    con = connect(db)
    try:
        return con.execute("select key, changed_by from settings_log where key = 'goal:2026-09'"
                           " and changed_by <> 'test'").fetchall()
    finally:
        con.close()


def _edit_september(at, amount: int) -> None:
    editor = next(d for d in at.data_editor if d.key == "goal_editor_0")
    months = editor.value["month_key"].tolist()
    at.session_state["goal_editor_0"] = {"edited_rows": {months.index("2026-09"): {"goal": amount}},
                                         "added_rows": [], "deleted_rows": []}


def test_before_sign_in_there_is_only_a_sign_in_button(story):
    at = _app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.data_editor
    assert not any("$" in m.value for m in at.markdown)


def test_a_stranger_is_refused_and_sees_no_number(story):
    at = _app({"is_logged_in": True, "email": "eve@evil.example", "name": "Eve"})
    # the address as code: markdown would make it a mailto link
    assert any("`eve@evil.example`, which is not on OneFunnel's list" in e.value and "Ask an admin" in e.value
               for e in at.error)
    assert not at.metric and not at.dataframe and not at.data_editor


def test_an_unverified_email_is_refused_even_in_an_allowed_domain(story):
    at = _app({"is_logged_in": True, "email": "mallory@acme.test", "email_verified": False})
    assert any("not on OneFunnel's list" in e.value for e in at.error)
    assert not at.metric


def test_a_viewer_sees_the_numbers_and_cannot_save_a_goal(story):
    at = _app({"is_logged_in": True, "email": "vi@acme.test", "name": "Vi"})
    assert {m.label: m.value for m in at.metric}["Revenue goal"] == "$92.0k"   # 31000 + 31000 + 30000
    assert at.button(key="save_goals").disabled
    assert any("View only: to change goals and quotas you need the editor role" in c.value for c in at.caption)


def _write_as(user: dict, action: str) -> AppTest:
    """A script that only asks access.writer(action) for a name, as every page write does."""
    def script():
        import streamlit as st

        from onefunnel import access
        name = access.writer(st.session_state["action"])
        st.success(f"written by {name}")

    at = AppTest.from_function(script, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = user
    at.session_state["action"] = action
    at.run()
    return at


def test_writer_refuses_before_anything_is_written(story):
    # a forged request (the disabled button pressed anyway) reaches writer(), which stops the run
    at = _write_as({"is_logged_in": True, "email": "vi@acme.test"}, "goals")
    assert [e.value for e in at.error] == [
        "Not saved: to change goals and quotas you need the editor role; you are a viewer. Ask an admin."]
    assert not at.success
    at = _write_as({"is_logged_in": True, "email": "ed@acme.test", "name": "Ed"}, "undo")
    assert [e.value for e in at.error] == ["Not saved: to take back an import you need the admin role; "
                                           "you are an editor. Ask an admin."]
    at = _write_as({"is_logged_in": True, "email": "ed@acme.test", "name": "Ed"}, "goals")
    assert [s.value for s in at.success] == ["written by Ed (ed@acme.test)"]
    at = _write_as({"is_logged_in": False}, "goals")
    assert at.error and not at.success


def test_a_name_from_the_identity_provider_is_shown_as_text():
    # a display name is whatever the person typed at their provider: never markdown (no outside image)
    # every punctuation mark escaped, and a zero-width space after the scheme (GFM would autolink the bare URL)
    assert access.plain("![x](https://evil.example/x.png) :red[Ed]") == \
        "\\!\\[x\\]\\(https\u200b\\:\\/\\/evil\\.example\\/x\\.png\\) \\:red\\[Ed\\]"
    assert access.email_text("ed@acme.test") == "`ed@acme.test`"            # code, so no mailto link
    assert not access.email_text("a`b@x.test").startswith("`") and shown(access.email_text("a`b@x.test")) == "a`b@x.test"
    person = access.Person("ed@acme.test", "Ed *Itor*", "editor", signed_in=True, single_user=False)
    assert person.shown == r"Ed \*Itor\* (`ed@acme.test`)" and person.log_name == "Ed *Itor* (ed@acme.test)"


def test_an_editor_saves_a_goal_logged_under_their_name(story):
    at = _app({"is_logged_in": True, "email": "Ed@Acme.test", "name": "Ed Itor"})
    assert not at.button(key="save_goals").disabled
    assert not [t for t in at.text_input if t.key == "who"]         # the sign-in names the writer
    _edit_september(at, 60000)
    at.button(key="save_goals").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Revenue goal"] == "$122k"   # 31000 + 31000 + 60000
    assert _goal_log(story) == [("goal:2026-09", "Ed Itor (ed@acme.test)")]


def test_an_editor_may_not_take_back_an_import_an_admin_may(story):
    at = _app({"is_logged_in": True, "email": "ed@acme.test", "name": "Ed"}, page="pages/data.py")
    assert not [b for b in at.button if b.key and b.key.startswith("undo_go")]
    assert not at.get("file_uploader")                               # no upload either
    at = _app({"is_logged_in": True, "email": "root@acme.test", "name": "Root"}, page="pages/data.py",
              admins=["root@acme.test"])
    assert [b for b in at.button if b.key and b.key.startswith("undo_go")]
    assert at.get("file_uploader")


def test_the_people_page_is_for_admins(story):
    viewer = _app({"is_logged_in": True, "email": "vi@acme.test", "name": "Vi"}, page=None)
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not in a viewer's navigation
        viewer.switch_page("pages/people.py")
    at = _app({"is_logged_in": True, "email": "root@acme.test", "name": "Root"}, page="pages/people.py",
              admins=["root@acme.test"])
    table = next(d.value for d in at.dataframe if "entry" in d.value.columns)
    assert table[["entry", "role"]].values.tolist() == [["ed@acme.test", "editor"], ["acme.test", "viewer"]]
    at.text_input(key="people_entry").set_value("Vi@acme.test")
    at.selectbox(key="people_role").set_value("editor")
    submit = next(b for b in at.get("form_submit_button") if b.label == "Give this role")
    submit.click().run()
    assert not at.exception, at.exception
    assert any("`vi@acme.test` is now editor." in s.value for s in at.success)
    from onefunnel.db import connect
    con = connect(story)
    try:
        assert access.role_of(con, "vi@acme.test") == "editor"
        assert con.execute("select changed_by from people where entry = 'vi@acme.test'").fetchall() == [
            ("Root (root@acme.test)",)]
    finally:
        con.close()


def test_single_user_mode_says_so_and_logs_the_typed_name(story):
    at = _app(None, page=None)   # the Joint goal page is the default; app.py draws the sidebar
    assert any("Single-user mode" in w.value for w in at.sidebar.warning)
    at.text_input(key="who").set_value("Ada Lovelace")
    _edit_september(at, 60000)
    at.button(key="save_goals").click().run()
    assert _goal_log(story) == [("goal:2026-09", "Ada Lovelace")]
