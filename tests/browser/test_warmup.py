"""The server's start-up warm-up (onefunnel/warmup.py): a headless Chromium clicks every page of the navigation
once, without an error, before the first person comes; `make run` starts it, ONEFUNNEL_WARMUP=0 turns it off."""

from bench import load
from onefunnel import serve
from tests.fixtures.review.story import TODAY, load_story


def test_the_warm_up_visits_every_page_once_without_an_error(tmp_path, start_app):
    db = tmp_path / "story.duckdb"
    load_story(db)
    app = start_app(db, TODAY, warm=True)
    assert app.warmup["errors"] == []
    # every page of the navigation (the default page "/" last, since it was open first)
    assert sorted(app.warmup["pages"]) == sorted(load.PAGES) and list(app.warmup["pages"])[-1] == "/"
    assert all(t > 0 for t in app.warmup["pages"].values())


def test_the_warm_up_targets_the_served_address_and_can_be_turned_off(monkeypatch):
    started = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda cmd, **kw: started.append(cmd))
    assert serve.warm_up(["--server.port", "9000", "--server.address", "0.0.0.0"], env={"ONEFUNNEL_WARMUP": "0"}) is None
    assert started == []
    serve.warm_up(["--server.port", "9000", "--server.address", "0.0.0.0"], env={})
    serve.warm_up(["--server.address", "10.1.2.3", "--server.baseUrlPath", "/funnel-app/"],
                  env={"ONEFUNNEL_WARMUP_DONE": "/tmp/x.json"})
    assert [c[3:] for c in started] == [["http://127.0.0.1:9000/"],
                                        ["http://10.1.2.3:8501/funnel-app", "--done", "/tmp/x.json"]]
