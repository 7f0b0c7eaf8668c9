"""Uploads leave nothing behind (issue 15 section 2): the Data page writes an upload to disk only while it is
previewed or imported, so after a preview, a refusal, an import and an undo no upload folder (and no ingest
work folder) is left in the temp directory. The temp directory is the test's own."""

import tempfile

import pytest
from streamlit.testing.v1 import AppTest

from onefunnel import uploads
from tests.conftest import ROOT

GOOD = b"email,created_at,source\nada@example.com,2026-07-01,Web\n"
RAGGED = b"email,created_at,source\nada@example.com,2026-07-01\n"


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def data_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    return at


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("onefunnel-upload-", "onefunnel-ingest-")))


def test_preview_import_and_undo_leave_no_file(app_env, own_tmp):
    at = data_page()
    at.file_uploader[0].set_value(("leads.csv", GOOD, "text/csv")).run()
    assert any(m.label == "Will load" and m.value == "1" for m in at.metric)
    assert leftovers(own_tmp) == [] and uploads.left_behind() == []       # previewed: nothing on disk
    at.button(key="confirm_import").click().run()
    assert not at.exception and any("1 rows loaded" in s.value for s in at.success)
    assert leftovers(own_tmp) == []                                        # imported: nothing on disk
    at.selectbox(key="undo_pick-0").set_value(1).run()
    at.checkbox(key="undo_sure-0").check().run()
    at.button(key="undo_go-0").click().run()
    assert not at.exception and any("was taken back" in s.value for s in at.success)
    assert leftovers(own_tmp) == []                                        # undone: nothing on disk


def test_a_refused_upload_leaves_no_file(app_env, own_tmp):
    at = data_page()
    at.file_uploader[0].set_value(("ragged.csv", RAGGED, "text/csv")).run()
    assert any("cannot be imported" in e.value for e in at.error)
    assert leftovers(own_tmp) == []


def test_a_failed_import_leaves_no_file(app_env, own_tmp, monkeypatch):
    at = data_page()
    at.file_uploader[0].set_value(("leads.csv", GOOD, "text/csv")).run()
    import onefunnel.ingest as ingest

    def boom(*a, **k):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(ingest, "ingest_file", boom)     # the page imports it from onefunnel.ingest on each run
    at.button(key="confirm_import").click().run()
    assert at.exception                                  # the failure shows (app.py's handler in the browser)
    assert leftovers(own_tmp) == []


def test_the_encoding_can_be_chosen_on_the_page(app_env, own_tmp):
    at = data_page()
    western = "lead_id,email,created_at,company\nL-1,chef@x.com,2026-07-01,Crème Brûlée\n".encode("cp1252")
    at.file_uploader[0].set_value(("western.csv", western, "text/csv")).run()
    box = next(s for s in at.selectbox if s.label == "Text encoding")
    assert box.value is None and "Windows-1252" in box.format_func(None)
    assert any("text read as Windows\\-1252" in c.value and "detected" in c.value for c in at.caption)
    box.set_value("cp1250").run()
    assert any("text read as Windows\\-1250" in c.value and "chosen" in c.value for c in at.caption)
    at.button(key="confirm_import").click().run()
    assert not at.exception
    assert leftovers(own_tmp) == []
