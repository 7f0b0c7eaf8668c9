"""The warm-up's (and bench.load's) WebSocket client reads the server's messages as the browser would: it learns the page hashes from
the navigation message, reports a page that shows an exception or the app's error text, and waits past a run
that ended early for a rerun (fed here with hand-made ForwardMsgs; tests/browser/test_bench_load.py runs it
against the real server), and the spread of page times is computed as a hand-worked example says."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from onefunnel.warmup import FAILED_TEXT, StreamlitClient


class _Socket:
    def __init__(self, msgs):
        self.msgs = [m.SerializeToString() for m in msgs]

    async def recv(self):
        return self.msgs.pop(0)


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY):
    m = ForwardMsg()
    m.script_finished = status
    return m


def _read(msgs):
    client = StreamlitClient("http://127.0.0.1:1")
    client.ws = _Socket(msgs)
    with ThreadPoolExecutor(1) as pool:   # a thread of its own: Playwright's sync tests leave a loop running here
        error = pool.submit(asyncio.run, client._until_finished("/funnel")).result()
    return client, error


def test_the_navigation_names_the_pages_and_a_clean_run_has_no_error():
    nav = ForwardMsg()
    for path, h in [("", "h0"), ("funnel", "h1")]:
        page = nav.navigation.app_pages.add()
        page.url_pathname, page.page_script_hash = path, h
    client, error = _read([nav, _finished()])
    assert error is None and client.hashes == {"/": "h0", "/funnel": "h1"}


def test_an_exception_or_the_apps_error_text_is_an_error():
    exc = ForwardMsg()
    exc.delta.new_element.exception.message = "boom"
    assert _read([exc, _finished()])[1] == "/funnel: the page shows an error"
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = FAILED_TEXT + ". The details are in the server log."
    assert _read([alert, _finished()])[1] == "/funnel: the page shows an error"
    plain = ForwardMsg()
    plain.delta.new_element.alert.body = "No deals in this quarter yet."
    assert _read([plain, _finished()])[1] is None


def test_a_run_ended_for_a_rerun_waits_for_the_rerun():
    client, error = _read([_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN), _finished()])
    assert error is None and client.ws.msgs == []
    assert "status 1" in _read([_finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR)])[1]


def test_the_spread_of_page_times():
    from bench.load import _spread

    r = _spread([("/a", 1.0), ("/b", 2.0), ("/a", 5.0), ("/b", 2.0)])
    # sorted 1, 2, 2, 5: the median 2; the 95th percentile at 0.95 * 3 = 2.85 -> 2 + 0.85 * (5 - 2) = 4.55
    assert r["pages"] == 4 and r["p50_s"] == 2.0 and abs(r["p95_s"] - 4.55) < 1e-9
    assert r["page_medians"] == {"/a": 3.0, "/b": 2.0} and list(r["page_medians"]) == ["/a", "/b"]


def test_a_load_session_walks_until_a_whole_pass_started_after_the_import():
    import asyncio

    from bench.load import AFTER, DURING, OPENING, _run_async, _visits

    # _run_async: asyncio.run in a thread of its own (an earlier test may leave this thread's loop running)
    async def walk(rounds, landed, land_at):
        seen = []
        async for visit in _visits(["/a", "/b"], rounds, landed):
            seen.append(visit)
            if len(seen) == land_at:
                landed.set()
        return seen

    # the import lands during the 3rd visit: the pass it fell in does not count, the one after it does
    assert _run_async(walk(1, asyncio.Event(), 3)) == [
        ("/a", OPENING), ("/b", DURING), ("/a", DURING), ("/b", AFTER), ("/a", AFTER), ("/b", AFTER)]
    # landed during the first pass with two rounds asked: the second pass started after it, so two passes
    assert [t for _, t in _run_async(walk(2, asyncio.Event(), 1))] == [OPENING, AFTER, AFTER, AFTER]

    async def no_import():
        return [v async for v in _visits(["/a", "/b"], 2, None)]
    assert _run_async(no_import()) == [("/a", OPENING), ("/b", AFTER), ("/a", AFTER), ("/b", AFTER)]
