"""`python -m onefunnel alerts` (issue 14 item 4) on the standup story (tests/standup_story.py), window Tuesday
2026-09-29 00:00 .. Wednesday 09:00, posting to a receiver this test runs on 127.0.0.1.

Per owner (see tests/test_standup.py for each line's working):
  Dana Reyes: s1 due soon (SLA runs out Wed 10:00), s6 rejected by the export (No budget), o1 won ($12,000)
  Omar Ortiz: s2 breached (Wed 08:00), s7 rejected by sales in the app (duplicate)"""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from onefunnel.cli import main
from tests.standup_story import build

WINDOW = ["--since", "2026-09-29T00:00", "--until", "2026-09-30T09:00"]


def section(text):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


DANA_TEXT = "OneFunnel digest for Dana Reyes since Sep 29 00:00: 0 SLA breached, 1 due within 4 h, 1 rejected, 1 won"
OMAR_TEXT = "OneFunnel digest for Omar Ortiz since Sep 29 00:00: 1 SLA breached, 0 due within 4 h, 1 rejected, 0 won"
EXPECTED = [
    {"text": DANA_TEXT, "blocks": [
        section(DANA_TEXT),
        section("*Due soon*\n• Sierra One (s1_new_mql_due_soon@su.test): the SLA runs out Sep 30 10:00"),
        section("*Rejected*\n• Sierra Six (s6_export_disqualified_yesterday@su.test): No budget, said by the export"),
        section("*Won*\n• Won yesterday: $12,000")]},
    {"text": OMAR_TEXT, "blocks": [
        section(OMAR_TEXT),
        section("*SLA breached*\n• Sierra Two (s2_new_mql_breached_overnight@su.test): no follow-up, the SLA ran out "
                "Sep 30 08:00"),
        section("*Rejected*\n• Sierra Seven (s7_rejected_in_app_this_morning@su.test): duplicate, said by sales in "
                "the app")]},
]


class Receiver:
    """A webhook on 127.0.0.1 that records each POSTed JSON body and answers `status`."""

    def __init__(self, status=200):
        self.bodies, self.status = [], status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                outer.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "alerts.duckdb"
    build(path)
    return path


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def test_each_owner_gets_the_expected_digest_exactly_once(db, receiver, capsys):
    assert main(["alerts", *WINDOW, "--webhook", receiver.url, "--db", str(db)]) == 0
    assert receiver.bodies == EXPECTED
    assert capsys.readouterr().out.splitlines() == ["Dana Reyes: sent (1 attempt)", "Omar Ortiz: sent (1 attempt)"]
    # the scheduler runs again for the same window: nothing is posted twice
    assert main(["alerts", *WINDOW, "--webhook", receiver.url, "--db", str(db)]) == 0
    assert len(receiver.bodies) == 2
    assert "not again" in capsys.readouterr().out


def test_dry_run_prints_the_json_and_posts_nothing(db, receiver, capsys):
    assert main(["alerts", *WINDOW, "--dry-run", "--db", str(db)]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert printed == [{"owner": "Dana Reyes", "payload": EXPECTED[0]}, {"owner": "Omar Ortiz", "payload": EXPECTED[1]}]
    assert receiver.bodies == []
    # a dry run marks nothing as sent
    assert main(["alerts", *WINDOW, "--webhook", receiver.url, "--db", str(db)]) == 0
    assert receiver.bodies == EXPECTED


def test_a_failing_receiver_is_retried_then_reported_with_exit_1(db, capsys):
    failing = Receiver(status=500)
    try:
        code = main(["alerts", *WINDOW, "--webhook", failing.url, "--retries", "2", "--backoff", "0.01",
                     "--db", str(db)])
        assert code == 1
        assert failing.bodies == [EXPECTED[0]] * 3 + [EXPECTED[1]] * 3     # 1 try + 2 retries each
        assert capsys.readouterr().out.splitlines() == ["Dana Reyes: NOT sent after 3 attempts: HTTP 500",
                                                        "Omar Ortiz: NOT sent after 3 attempts: HTTP 500"]
        failing.status = 200          # back up: the digests that failed go out now, once
        assert main(["alerts", *WINDOW, "--webhook", failing.url, "--db", str(db)]) == 0
        assert failing.bodies[6:] == EXPECTED
    finally:
        failing.stop()


def test_markup_in_data_is_escaped_for_slack(db, receiver):
    from onefunnel.alerts import payload

    body = payload("<@U123> & co", {"breached": ["<!channel> x"], "due soon": [], "rejected": [], "won": []},
                   __import__("datetime").datetime(2026, 9, 29), 4)
    assert "&lt;@U123&gt; &amp; co" in body["text"]
    assert body["blocks"][1]["text"]["text"] == "*SLA breached*\n• &lt;!channel&gt; x"


def test_no_webhook_and_no_dry_run_is_refused(db):
    assert main(["alerts", *WINDOW, "--db", str(db)]) == 2
