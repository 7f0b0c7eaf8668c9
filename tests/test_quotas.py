"""Quotas (METRICS.md "Quotas"): set per opportunity owner per calendar month, logged; the sum of a month's
quotas beside its goal, a difference flagged (never reconciled). Numbers worked out by hand."""

import json

import pytest

from onefunnel.db import connect, delete_quota, set_goal, set_quota
from onefunnel.queries import run
from tests.conftest import run_cli


def _log(con) -> list[tuple]:
    rows = con.execute("select key, old_value, new_value, changed_by from settings_log order by rowid").fetchall()
    return [(k, None if o is None else json.loads(o), None if n is None else json.loads(n), who) for k, o, n, who in rows]


def test_set_quota_stores_and_logs_each_change(con):
    assert set_quota(con, "Dana Reyes", "2026-09", 20000, "Ada") is True
    assert set_quota(con, "Dana Reyes", "2026-09", 22000.5, "Bo") is True
    assert set_quota(con, "Dana Reyes", "2026-09", 22000.5, "Bo") is False      # same amount: nothing logged
    assert set_quota(con, " Sam Ortiz ", "2026-10", 0, "Ada") is True            # 0 is a quota; name trimmed
    assert con.execute("select owner, strftime(month, '%Y-%m'), amount from quotas order by 1").fetchall() == [
        ("Dana Reyes", "2026-09", 22000.5), ("Sam Ortiz", "2026-10", 0.0)]
    assert delete_quota(con, "Sam Ortiz", "2026-10", "Cy") is True
    assert delete_quota(con, "Sam Ortiz", "2026-10", "Cy") is False
    assert _log(con) == [("quota:Dana Reyes:2026-09", None, 20000, "Ada"),
                         ("quota:Dana Reyes:2026-09", 20000, 22000.5, "Bo"),
                         ("quota:Sam Ortiz:2026-10", None, 0, "Ada"),
                         ("quota:Sam Ortiz:2026-10", 0, None, "Cy")]


@pytest.mark.parametrize("owner, month, amount, message", [
    ("Dana Reyes", "2026-13", 100, "month must be YYYY-MM"),
    ("Dana Reyes", "2026-9", 100, "month must be YYYY-MM"),
    ("Dana Reyes", "2026-09-01", 100, "month must be YYYY-MM"),
    ("Dana Reyes", "2026-09", -1, "cannot be negative"),
    ("Dana Reyes", "2026-09", float("nan"), "cannot be negative"),
    ("  ", "2026-09", 100, "needs an owner"),
])
def test_a_bad_quota_is_refused_and_not_logged(con, owner, month, amount, message):
    with pytest.raises(ValueError, match=message):
        set_quota(con, owner, month, amount, "Ada")
    assert con.execute("select count(*) from quotas").fetchall() == [(0,)]
    assert _log(con) == []


def test_goal_and_quotas_side_by_side_and_their_disagreement(con):
    set_goal(con, "2026-07", 31000)
    set_goal(con, "2026-08", 31000)
    set_goal(con, "2026-09", 30000)
    # July: 20000 + 11000 = 31000 = the goal. August: no quota (not compared).
    # September: 20000 + 8000 = 28000 against 30000: short by 2000. October: quotas 5000, no goal: 0 - 5000.
    for owner, month, amount in [("Dana Reyes", "2026-07", 20000), ("Sam Ortiz", "2026-07", 11000),
                                 ("Dana Reyes", "2026-09", 20000), ("Sam Ortiz", "2026-09", 8000),
                                 ("Sam Ortiz", "2026-10", 5000), ("Sam Ortiz", "2026-11", 0)]:
        set_quota(con, owner, month, amount)
    got = run(con, "goal_quotas_by_month", first_month="2026-07-01", last_month="2026-11-01")
    rows = [(r.month_key, None if r.goal != r.goal else r.goal, None if r.quota_total != r.quota_total else r.quota_total,
             r.quota_owners, None if r.difference != r.difference else r.difference, r.disagrees)
            for r in got.itertuples()]
    assert rows == [("2026-07", 31000, 31000, 2, 0, False),
                    ("2026-08", 31000, None, 0, None, False),
                    ("2026-09", 30000, 28000, 2, 2000, True),
                    ("2026-10", None, 5000, 1, -5000, True),
                    ("2026-11", None, 0, 1, 0, False)]         # a 0 quota and no goal: both 0, they agree
    grid = run(con, "quotas_of_months", first_month="2026-09-01", last_month="2026-10-01")
    assert grid[["owner", "month_key", "amount"]].values.tolist() == [
        ["Dana Reyes", "2026-09", 20000], ["Sam Ortiz", "2026-09", 8000], ["Sam Ortiz", "2026-10", 5000]]


def test_quota_command_sets_logs_and_refuses(tmp_path):
    db = tmp_path / "q.duckdb"
    ok = run_cli("quota", "--db", db, "--owner", "Dana Reyes", "--month", "2026-09", "--amount", "28000")
    assert ok.returncode == 0 and ok.stdout.strip() == "quota of Dana Reyes for 2026-09: 28,000.00"
    bad_month = run_cli("quota", "--db", db, "--owner", "Dana Reyes", "--month", "2026-13", "--amount", "1",
                        check=False)
    assert bad_month.returncode == 2 and bad_month.stderr.startswith("error: month must be YYYY-MM")
    negative = run_cli("quota", "--db", db, "--owner", "Dana Reyes", "--month", "2026-10", "--amount", "-5",
                       check=False)
    assert negative.returncode == 2 and negative.stderr.startswith("error: a quota cannot be negative")
    assert "Traceback" not in bad_month.stderr + negative.stderr
    con = connect(db)
    try:
        assert con.execute("select owner, strftime(month, '%Y-%m'), amount from quotas").fetchall() == [
            ("Dana Reyes", "2026-09", 28000.0)]
        assert _log(con) == [("quota:Dana Reyes:2026-09", None, 28000, "cli")]
    finally:
        con.close()
