"""Sign-in in Chromium against a real OpenID Connect provider (oidc-provider-mock on loopback, started here):
the app's secrets point [auth] at it, the allow-list gives the roles, and each person signs in through the
provider's form. A stranger sees nothing; a viewer cannot edit the goal; an editor can; an admin can take an
import back. Every write is logged under the signed-in name.

Numbers: the leadership story (tests/fixtures/leadership/README.md), goal 31000 + 31000 + 30000 = 92000 in 2026-Q3.
"""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import edit_september_goal, screenshot, wait_idle
from tests.fixtures.leadership.story import TODAY, load_story

pytestmark = pytest.mark.browser

USERS = [{"sub": "ann", "email": "ann@acme.test", "name": "Ann Admin"},      # first admin, from the secrets
         {"sub": "ed", "email": "ed@acme.test", "name": "Ed Itor"},          # editor, by e-mail
         {"sub": "vi", "email": "vi@acme.test", "name": "Vi Ewer"},          # viewer, by the domain @acme.test
         {"sub": "eve", "email": "eve@evil.example", "name": "Eve"}]         # on no list


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    port = _free_port()
    args = [a for u in USERS for a in ("--user-claims", json.dumps(u))]
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def app(start_app, provider, tmp_path):
    db = tmp_path / "signin.duckdb"
    load_story(db)
    from onefunnel import access
    from onefunnel.db import connect
    con = connect(db)
    access.set_role(con, "@acme.test", "viewer", "test")
    access.set_role(con, "ed@acme.test", "editor", "test")
    con.close()
    port = _free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'''[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-long-random-string-for-the-tests-only"
client_id = "onefunnel"
client_secret = "any-secret-works-with-the-mock"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[onefunnel]
admins = ["ann@acme.test"]
''')
    a = start_app(db, today=TODAY, secrets=secrets, port=port)
    a.db = db
    return a


def sign_in(browser, app, sub: str, path: str = "/?period=This+quarter"):
    """A fresh browser (no cookie) that opens the app, presses Sign in and picks `sub` on the provider's form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app.url + path)
    wait_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=sub, exact=True).click()        # the provider's page: one button per user
    page.wait_for_url(re.compile(re.escape(app.url)))
    wait_idle(page)
    if path != "/":
        page.goto(app.url + path)
        wait_idle(page)
    return page


def card(page, label):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)) \
        .get_by_test_id("stMetricValue")


def _log(db, key_like: str) -> list:
    from onefunnel.db import connect
    con = connect(db)
    try:
        return con.execute("select key, changed_by from settings_log where key like ? and changed_by <> 'test'"
                           " order by rowid", [key_like]).fetchall()
    finally:
        con.close()


def test_before_sign_in_and_a_stranger_see_no_number(browser, app):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{app.url}/funnel?period=This+quarter")
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    assert not re.search(r"\$\d|\d%", page.get_by_test_id("stMain").inner_text())
    context.close()

    page = sign_in(browser, app, "eve")
    expect(page.get_by_text("You are signed in as eve@evil.example, which is not on OneFunnel's list")).to_be_visible()
    expect(page.get_by_text("Ask an admin")).to_be_visible()
    assert page.locator("a[href^='mailto:']").count() == 0               # the address is code, not a link
    assert page.get_by_test_id("stMetric").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    assert not re.search(r"\$\d|\d%", page.get_by_test_id("stMain").inner_text())
    screenshot(page, "signin-stranger")


def test_a_viewer_cannot_edit_the_goal(browser, app):
    page = sign_in(browser, app, "vi")
    expect(card(page, "Revenue goal")).to_have_text("$92.0k")            # a viewer sees every number
    expect(page.get_by_text("Vi Ewer (vi@acme.test) · viewer")).to_be_visible()
    expect(page.get_by_role("button", name="Save goals")).to_be_disabled()
    expect(page.get_by_text("View only: to change goals and quotas you need the editor role").first).to_be_visible()
    screenshot(page, "signin-viewer")
    # the grid is locked too: typing into September's goal changes nothing
    editor = page.get_by_test_id("stDataFrame").filter(has=page.locator("td", has_text="2026-09")).last
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + 35 * 9 + 17)
    page.keyboard.press("Enter")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("60000", delay=20)
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(editor.locator("#glide-cell-1-8")).not_to_have_text("60000")
    expect(card(page, "Revenue goal")).to_have_text("$92.0k")
    app.stop()
    assert _log(app.db, "goal:%") == []


def test_an_editor_edits_the_goal_logged_under_their_name(browser, app):
    page = sign_in(browser, app, "ed")
    expect(card(page, "Revenue goal")).to_have_text("$92.0k")
    assert page.get_by_placeholder("e.g. Dana Reyes").count() == 0     # the sign-in names the writer
    edit_september_goal(page, "60000")
    page.get_by_role("button", name="Save goals").click()
    wait_idle(page)
    expect(card(page, "Revenue goal")).to_have_text("$122k", timeout=15000)   # 31000 + 31000 + 60000
    # an editor imports nothing and takes nothing back
    page.goto(f"{app.url}/data")
    wait_idle(page)
    expect(page.get_by_text("View only: to import files you need the admin role")).to_be_visible()
    assert page.get_by_role("button", name="Take back this import").count() == 0
    screenshot(page, "signin-editor")
    app.stop()
    assert _log(app.db, "goal:%") == [("goal:2026-09", "Ed Itor (ed@acme.test)")]


def test_an_admin_takes_an_import_back(browser, app):
    page = sign_in(browser, app, "ann", path="/data")
    expect(page.get_by_text("Take back an import")).to_be_visible()
    box = page.get_by_role("combobox", name="Import to take back")
    box.click()
    page.get_by_role("option", name=re.compile(r"^#3 touches\.csv")).click()
    wait_idle(page)
    page.get_by_text("I understand").click()
    wait_idle(page)
    page.get_by_role("button", name="Take back this import").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Import #3 touches\.csv was taken back: removed"))).to_be_visible()
    screenshot(page, "signin-admin-undo")
    page.get_by_role("link", name="People").click()                       # admins manage people
    wait_idle(page)
    expect(page.locator("td", has_text="ed@acme.test").first).to_be_attached(timeout=15000)
    expect(page.get_by_text("First admins, from the secrets (cannot be changed here): ann@acme.test")).to_be_visible()
    screenshot(page, "signin-people")
    app.stop()
    from onefunnel.db import connect
    con = connect(app.db)
    try:
        assert con.execute("select undone_by from imports where import_id = 3").fetchall() == [
            ("Ann Admin (ann@acme.test)",)]
    finally:
        con.close()
