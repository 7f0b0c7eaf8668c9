"""Every page renders without an exception, on an empty workspace and on the demo company."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from onefunnel.db import connect
    from demo.load import load_demo

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = connect(db)
    for _ in load_demo(con):
        pass
    con.close()
    return db


def _render(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_workspace(app_env, page):
    at = _render(page)
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if "Something went wrong" in e.value]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_demo_company(app_env, demo_db, page, monkeypatch):
    shutil.copy(demo_db, app_env)
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-11-20")
    at = _render(page)
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if "Something went wrong" in e.value]
