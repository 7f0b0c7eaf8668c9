"""AppTest of the Standup page on the standup story (tests/standup_story.py). Today is pinned to 2026-09-30, so
the page's "now" is 2026-09-30 09:00 and the window opens on Tuesday 2026-09-29 00:00, as in test_standup.py."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.standup_story import build


def open_standup(query=None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/standup.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_lists_of_the_window_with_their_owners(app_env):
    build(app_env)
    at = open_standup()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New MQLs"] == "3" and metrics["SLA breached"] == "1" and metrics["Due within 4 h"] == "1"
    assert metrics["Leads rejected"] == "2" and metrics["Deals moved"] == "4"
    assert list(table(at, "hours_left")["email"]) == ["s2_new_mql_breached_overnight@su.test",
                                                     "s1_new_mql_due_soon@su.test"]
    deals = table(at, "event")
    assert list(deals["deal"]) == ["/deal?deal=template:o2", "/deal?deal=template:o3", "/deal?deal=template:o4",
                                   "/deal?deal=template:o1"]
    # the markup and the formula of a comment stay text in the table
    assert '<img src=x onerror=alert(1)> =HYPERLINK("x")' in list(table(at, "is_reply")["body"])


def test_filters_by_team_from_the_url(app_env):
    build(app_env)
    at = open_standup({"su_team": "West"})
    assert list(table(at, "verdict")["email"]) == ["s2_new_mql_breached_overnight@su.test"]
    assert list(table(at, "event")["deal"]) == ["/deal?deal=template:o2", "/deal?deal=template:o4"]


def test_a_rejection_given_on_the_page_is_listed_and_counted(app_env):
    build(app_env)
    at = open_standup()
    at.selectbox(key="su_verdict_lead").set_value("s1_new_mql_due_soon@su.test")
    at.radio(key="su_verdict").set_value("reject")
    at.selectbox(key="su_verdict_reason").set_value("student or job seeker")
    at.text_input(key="who").set_value("Rita Sales")
    at.text_input(key="su_verdict_note").set_value("a class project")
    next(b for b in at.button if b.label == "Save verdict").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rejected = table(at, "rejected_by")
    # s1 rejected at the page's now (09:00), latest first; s7 and s6 as before
    assert list(zip(rejected["email"], rejected["reason"], rejected["rejected_by"],
                    rejected["verdict_by"].fillna("–"))) == [
        ("s1_new_mql_due_soon@su.test", "student or job seeker", "sales (app)", "Rita Sales"),
        ("s7_rejected_in_app_this_morning@su.test", "duplicate", "sales (app)", "Rita Sales"),
        ("s6_export_disqualified_yesterday@su.test", "No budget", "export", "–")]
    # and Marketing's feedback counts it: Paid Search now has 2 rejected by sales in the app
    at.switch_page("pages/marketing.py")
    at.run()
    sources = table(at, "app_only")
    row = sources[sources["label"] == "Paid Search"].iloc[0]
    assert (row["rejected"], row["export_only"], row["app_only"], row["both_sources"]) == (5, 2, 2, 1)


def test_a_comment_with_markup_is_posted_and_shown_as_text(app_env):
    build(app_env, comments=False)
    at = open_standup()
    at.selectbox(key="su_comment_kind").set_value("deal")
    at.text_input(key="su_comment_subject").set_value("template:o3")
    at.text_area(key="su_comment_body").set_value("[x](https://e.example) @Omar Ortiz <b>now</b>")
    next(b for b in at.button if b.label == "Post comment").click().run()
    assert not at.exception
    assert list(table(at, "is_reply")["body"]) == ["[x](https://e.example) @Omar Ortiz <b>now</b>"]
    at.selectbox(key="su_me").set_value("Omar Ortiz").run()
    assert list(table(at, "subject_kind")["body"]) == ["[x](https://e.example) @Omar Ortiz <b>now</b>"]
    at.selectbox(key="su_thread_kind").set_value("deal")
    at.text_input(key="su_thread_id").set_value("template:o3").run()
    shown = [m.value for m in at.markdown if "#1" in m.value]
    # escaped: no link, no tag reaches the Markdown renderer
    assert len(shown) == 1 and "](https" not in shown[0] and "<b>" not in shown[0]


def test_the_deal_page_shows_one_deal_from_its_link(app_env):
    build(app_env)
    # o3: Discovery from its creation (Aug 10 10:00) until the re-import of Sep 29 16:00 (50.25 days), then
    # Proposal up to now (Sep 30 09:00: 17 h = 0.708 days)
    at = open_standup()
    at.switch_page("pages/deal.py")
    at.run()
    at.selectbox(key="deal").set_value("template:o3").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Amount"], metrics["Stage"], metrics["State"], metrics["Owner"]) == (
        "$8.0k", "Proposal", "open", "Dana Reyes")
    stages = table(at, "left_at")
    assert list(stages["stage"]) == ["Discovery", "Proposal"]
    assert [round(x, 3) for x in stages["days"]] == [50.25, 0.708]


def test_the_deal_page_of_a_won_deal_shows_each_models_credit(app_env):
    build(app_env)
    # o1 (won, $12,000) is linked to s6, whose only touch (its origin, Sep 14) came after the opportunity was
    # created (Aug 1): no qualifying touch, so every model puts the whole amount on (none)
    at = open_standup()
    at.switch_page("pages/deal.py")
    at.run()
    at.selectbox(key="deal").set_value("template:o1").run()
    assert not at.exception, [e.value for e in at.exception]
    touches = table(at, "u_shaped")
    none = touches[touches["channel"] == "(none)"].iloc[0]
    assert [none[m] for m in ("first_touch", "last_touch", "linear", "u_shaped", "time_decay")] == [12000] * 5
    assert list(touches.loc[touches["channel"] == "Paid Search", "counts"]) == [False]
