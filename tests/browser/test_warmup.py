"""The server's warm-up (onefunnel/warmup.py): one session runs every page of the navigation once, without an
error, before the first person comes, and again after each settled change of the data; `make run` starts it in a
thread of the server, ONEFUNNEL_WARMUP=0 turns it off."""

import threading
import time

from bench import load
from onefunnel import db, serve, warmup
from tests.fixtures.review.story import TODAY, load_story


def test_the_warm_up_visits_every_page_once_without_an_error(tmp_path, start_app):
    path = tmp_path / "story.duckdb"
    load_story(path)
    app = start_app(path, TODAY, warm=True)
    assert app.warmup["errors"] == [] and app.warmup["round"] == 1 and app.warmup["reason"] == "start"
    # every page of the navigation (the default page "/" last, since it ran first)
    assert sorted(app.warmup["pages"]) == sorted(load.PAGES) and list(app.warmup["pages"])[-1] == "/"
    assert all(t > 0 for t in app.warmup["pages"].values())


def test_the_walk_runs_again_after_a_change_once_no_import_is_under_way(monkeypatch, tmp_path):
    walks = []
    monkeypatch.setattr(warmup, "walk", lambda url: walks.append(url) or {"pages": {"/": 0.1}, "errors": []})
    done, stop = tmp_path / "done.json", threading.Event()
    thread = threading.Thread(target=warmup.keep_warm, args=("http://x", done, 0.02, stop))
    thread.start()
    try:
        _until(lambda: len(walks) == 1)
        time.sleep(0.2)
        assert len(walks) == 1                          # nothing changed: no second walk
        with db.writing():                              # an import is under way and has committed once
            db._commits[0] += 1
            time.sleep(0.2)
            assert len(walks) == 1                      # it waits for the import's end
        _until(lambda: len(walks) == 2)
        assert '"round": 2' in done.read_text() and "the data changed" in done.read_text()
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def _until(check, seconds=5.0):
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, "timed out"
        time.sleep(0.01)


def test_the_warm_up_targets_the_served_address_and_can_be_turned_off(monkeypatch):
    started = []

    class Thread:
        def __init__(self, target, args, **kw):
            started.append(args)

        def start(self):
            pass

    monkeypatch.setattr(serve.threading, "Thread", Thread)
    assert serve.warm_up(["--server.port", "9000", "--server.address", "0.0.0.0"], env={"ONEFUNNEL_WARMUP": "0"}) is None
    assert started == []
    serve.warm_up(["--server.port", "9000", "--server.address", "0.0.0.0"], env={})
    serve.warm_up(["--server.address", "10.1.2.3", "--server.baseUrlPath", "/funnel-app/"],
                  env={"ONEFUNNEL_WARMUP_DONE": "/tmp/x.json"})
    assert [(a[0], str(a[1]) if a[1] else None) for a in started] == [
        ("http://127.0.0.1:9000/", None), ("http://10.1.2.3:8501/funnel-app", "/tmp/x.json")]
