"""Definition texts the teams own (onefunnel/wording.py, migration 009): set, history, back to the product's
words. Only the words change: the metric's formula (its SQL) is untouched."""

import json

import pytest

from onefunnel import wording
from onefunnel.definitions import METRICS, STAGES
from onefunnel.queries import run

MQL_PRODUCT = dict(STAGES)["MQL"]
OURS = "A lead that scored 50 points or asked for a demo (HubSpot lifecycle stage MQL)."


def _log(con) -> list[tuple]:
    rows = con.execute("select key, old_value, new_value, changed_by from settings_log order by rowid").fetchall()
    return [(k, None if o is None else json.loads(o), None if n is None else json.loads(n), who) for k, o, n, who in rows]


def test_every_stage_and_metric_can_be_worded(con):
    names = wording.product_texts()
    assert len(names) == len(STAGES) + len(METRICS)
    assert list(names)[:5] == ["stage:Lead", "stage:MQL", "stage:SQL", "stage:Opportunity", "stage:Won"]
    assert names["measure:win_rate"] == ("Won deals / (won + lost deals) closed in the period: of the deals decided "
                                         "in the period, the share won.")
    assert wording.definition_text(con, "stage:MQL", MQL_PRODUCT) == MQL_PRODUCT      # nothing set: the default


def test_set_history_and_back_to_the_product_words(con):
    assert wording.set_definition_text(con, "stage:MQL", f"  {OURS} ", "Ada") is True
    assert wording.definition_text(con, "stage:MQL", MQL_PRODUCT) == OURS            # trimmed
    assert con.execute("select name, text, updated_by from definition_texts").fetchall() == [("stage:MQL", OURS, "Ada")]
    assert wording.set_definition_text(con, "stage:MQL", OURS, "Bo") is False        # same words: not logged
    assert wording.set_definition_text(con, "measure:win_rate", "Won / closed, by count.", "Bo") is True
    assert wording.set_definition_text(con, "stage:MQL", "", "Cy") is True          # empty: the product's words
    assert wording.definition_text(con, "stage:MQL", MQL_PRODUCT) == MQL_PRODUCT
    assert wording.set_definition_text(con, "stage:MQL", "", "Cy") is False         # already the product's
    # typing the product's own words is the same as going back to them: no team text is kept
    wording.set_definition_text(con, "measure:win_rate", METRICS["win_rate"].definition, "Di")
    assert con.execute("select count(*) from definition_texts").fetchall() == [(0,)]
    assert _log(con) == [("definition:stage:MQL", None, OURS, "Ada"),
                         ("definition:measure:win_rate", None, "Won / closed, by count.", "Bo"),
                         ("definition:stage:MQL", OURS, None, "Cy"),
                         ("definition:measure:win_rate", "Won / closed, by count.", None, "Di")]
    history = run(con, "definition_text_changes", definition="stage:MQL")
    assert history[["changed_by", "old_text", "new_text"]].fillna("(product)").values.tolist() == [
        ["Cy", OURS, "(product)"], ["Ada", "(product)", OURS]]                       # newest first


@pytest.mark.parametrize("name", ["stage:Pipeline", "measure:nope", "win_rate", "MQL"])
def test_only_stages_and_metrics_have_texts(con, name):
    with pytest.raises(ValueError, match="not a stage"):
        wording.set_definition_text(con, name, "words", "Ada")
    assert _log(con) == []
