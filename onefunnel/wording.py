"""The teams' own words for the funnel's stages and metrics (issue 10: definitions the teams own).

OneFunnel ships a definition text for every stage (`definitions.STAGES`) and every metric
(`definitions.METRICS`, field `definition`). A team may rewrite those words on the Definitions page so
they read like its own playbook; the formula behind each number stays the product's (queries/), only the
words change. A team's text is kept in the table definition_texts (migration 009) under the name
'stage:<Stage>' or 'measure:<metric key>'; every change is logged in settings_log under
'definition:<name>' (old and new text, who, when). An empty text puts the product's words back.
"""

from __future__ import annotations


from onefunnel.db import log_change, transaction
from onefunnel.definitions import METRICS, STAGES


def product_texts() -> dict[str, str]:
    """Every editable name and the product's own text: the stages in funnel order, then the metrics."""
    return {**{f"stage:{stage}": text for stage, text in STAGES},
            **{f"measure:{key}": m.definition for key, m in METRICS.items()}}


def definition_text(con, name: str, default: str) -> str:
    """The team's text for a stage or measure, else `default` (the product's words)."""
    row = con.execute("select text from definition_texts where name = ?", [name]).fetchall()
    return row[0][0] if row else default


def set_definition_text(con, name: str, text: str | None, who: str | None) -> bool:
    """Store the team's text for 'stage:<Stage>' or 'measure:<key>' and log the change (one transaction).
    An empty text, or the product's own text, deletes the team's text (back to the product's words; the
    log's new value is null). Returns False (nothing logged) when nothing changes. Raises ValueError for a
    name that is no stage or metric."""
    products = product_texts()
    if name not in products:
        raise ValueError(f"{name!r} is not a stage ('stage:MQL') or a metric ('measure:win_rate') of OneFunnel")
    text = (text or "").strip()
    new = None if not text or text == products[name] else text
    old_row = con.execute("select text from definition_texts where name = ?", [name]).fetchall()
    old = old_row[0][0] if old_row else None
    if old == new:
        return False
    with transaction(con):
        if new is None:
            con.execute("delete from definition_texts where name = ?", [name])
        else:
            con.execute("insert or replace into definition_texts (name, text, updated_at, updated_by)"
                        " values (?, ?, current_localtimestamp(), ?)", [name, new, who])
        log_change(con, f"definition:{name}", old, new, who)
    return True
