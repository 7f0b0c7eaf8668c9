"""AppTest of the Joint goal page's quotas on the leadership story (tests/fixtures/leadership/README.md: goals
Jul 31000, Aug 31000, Sep 30000; opportunity owners Dana Reyes and Sam Ortiz; P = 2026-Q3, fiscal year 2026).
Each month's quotas are summed beside its goal; a month where they differ is flagged, never reconciled."""

import pytest
from streamlit.testing.v1 import AppTest

from onefunnel.db import connect, set_quota
from tests.conftest import ROOT
from tests.fixtures.leadership.story import TODAY, load_story

# July: 20000 + 11000 = 31000 = its goal. September: 20000 + 8000 = 28000, the goal 30000: 2000 short.
QUOTAS = [("Dana Reyes", "2026-07", 20000), ("Sam Ortiz", "2026-07", 11000),
          ("Dana Reyes", "2026-09", 20000), ("Sam Ortiz", "2026-09", 8000)]


def load_quotas(db) -> None:
    con = connect(db)
    try:
        for owner, month, amount in QUOTAS:
            set_quota(con, owner, month, amount, "test")
    finally:
        con.close()


@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    load_quotas(app_env)
    return app_env


def _goal_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/goal.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _flags(at) -> list[str]:
    return [w.value for w in at.warning if "disagree" in w.value]


def test_quotas_beside_each_goal_and_the_disagreement_flagged(story):
    at = _goal_page()
    goals = next(d for d in at.data_editor if d.key == "goal_editor_0").value.set_index("month_key")
    assert goals.loc["2026-07", "quota_total"] == 31000 and goals.loc["2026-07", "quota_flag"] == "agree"
    assert goals.loc["2026-09", "quota_total"] == 28000
    assert goals.loc["2026-09", "quota_flag"] == "⚠ quotas $2,000 short"
    assert goals["quota_total"].isna().sum() == 10 and (goals["quota_flag"] == "").sum() == 10   # no quota: no flag
    flags = _flags(at)
    assert len(flags) == 1
    assert "- 2026-09: Goal $30,000 and quotas $28,000 disagree by $2,000." in flags[0]
    assert "2026-07" not in flags[0]
    # the quota editor: one row per opportunity owner, one column per month of the goal table
    grid = next(d for d in at.data_editor if d.key == "quota_editor_0").value
    assert grid["owner"].tolist() == ["Dana Reyes", "Sam Ortiz"]
    assert list(grid.columns) == ["owner"] + [f"2026-{m:02d}" for m in range(1, 13)]
    assert grid.loc[1, "2026-09"] == 8000 and grid.loc[0, "2026-07"] == 20000


def test_editing_quotas_moves_the_flag_and_is_logged_with_who(story):
    at = _goal_page()
    at.text_input(key="who").set_value("Ada Lovelace")
    # Sam's September 8000 -> 10000 (sum 30000 = the goal); Dana's August: none -> 31000 (= the goal);
    # Dana's July 20000 -> removed (July: 11000 against 31000, quotas 20000 short)
    at.session_state["quota_editor_0"] = {"edited_rows": {1: {"2026-09": 10000}, 0: {"2026-08": 31000, "2026-07": None}},
                                          "added_rows": [], "deleted_rows": []}
    at.button(key="save_quotas").click().run()
    assert not at.exception, at.exception
    saved = next(s.value for s in at.success if "Saved quotas" in s.value)
    assert "Sam Ortiz 2026-09: $10,000" in saved and "Dana Reyes 2026-08: $31,000" in saved
    assert "Dana Reyes 2026-07: removed" in saved
    flags = _flags(at)
    assert len(flags) == 1
    assert "- 2026-07: Goal $31,000 and quotas $11,000 disagree by $20,000." in flags[0]
    assert "2026-09" not in flags[0] and "2026-08" not in flags[0]
    goals = next(d for d in at.data_editor if d.key == "goal_editor_1").value.set_index("month_key")
    assert goals.loc["2026-09", "quota_flag"] == "agree" and goals.loc["2026-08", "quota_total"] == 31000
    assert goals.loc["2026-07", "quota_flag"] == "⚠ quotas $20,000 short"
    log = next(d.value for d in at.dataframe if "new_quota" in d.value.columns)
    mine = log[log["changed_by"] == "Ada Lovelace"]
    assert sorted(map(tuple, mine[["owner", "month", "old_quota", "new_quota"]].fillna(-1).values.tolist())) == [
        ("Dana Reyes", "2026-07", 20000, -1), ("Dana Reyes", "2026-08", -1, 31000), ("Sam Ortiz", "2026-09", 8000, 10000)]
