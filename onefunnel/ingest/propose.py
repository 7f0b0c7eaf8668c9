"""A first guess at the column mapping of a file no preset reads well, from its header names and values.

For each record kind, every (field, column) pair is scored by the words of the header (`engage_date` ->
created_at, `close_value` -> amount, `sales_agent` -> owner) and checked against the column's values (a
date field needs dates, an amount needs numbers, an email an @); the best pairs are taken greedily, and
the kind whose mapping scores most wins. The Data page pre-fills "Map the columns yourself" with it for
the user to confirm or correct: nothing is saved or read with a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onefunnel.ingest.presets import KIND_FIELDS, KIND_REQUIRED

# kind -> field -> (header words, score): a rule matches when all its words are among the header's words
_ID = [("id", 2), ("ref", 2), ("reference", 2), ("number", 1), ("key", 1)]
_OWNER = [("owner", 3), ("agent", 2), ("rep", 2), ("salesperson", 2), ("seller", 2), ("assigned", 1), ("user", 1)]
_EMAIL = [("email", 3), ("mail", 2)]
_CAMPAIGN = [("campaign", 3)]
_CHANNEL = [("channel", 3), ("medium", 2), ("source", 1)]
RULES: dict[str, dict[str, list[tuple[str, int]]]] = {
    "opportunity": {
        "record_id": [("opportunity id", 3), ("deal id", 3), ("opp id", 3)] + _ID,
        "name": [("opportunity name", 3), ("deal name", 3), ("account", 2), ("company", 2), ("client", 2),
                 ("customer", 2), ("organization", 2), ("title", 1), ("name", 1)],
        "created_at": [("created", 3), ("create", 3), ("engage", 2), ("engaged", 2), ("opened", 2), ("added", 2),
                       ("start", 1)],
        "close_date": [("close", 3), ("closed", 3), ("won date", 2), ("decision", 1)],
        "stage": [("stage", 3), ("phase", 2), ("step", 1)],
        "status": [("status", 2), ("outcome", 2), ("result", 1)],
        "amount": [("amount", 3), ("value", 2), ("revenue", 2), ("booked", 2), ("acv", 2), ("price", 1),
                   ("arr", 1), ("total", 1)],
        "probability": [("probability", 3), ("prob", 2), ("likelihood", 2)],
        "owner": _OWNER,
        "source": [("source", 2), ("origin", 1)],
        "email": _EMAIL,
    },
    "lead": {
        "record_id": [("lead id", 3), ("contact id", 3), ("prospect id", 3)] + _ID,
        "email": _EMAIL,
        "created_at": [("created", 3), ("create", 3), ("signup", 2), ("added", 2), ("registered", 2)],
        "company": [("company", 3), ("account", 2), ("organization", 2), ("organisation", 2), ("employer", 1)],
        "source": [("source", 3), ("channel", 2), ("medium", 1)],
        "campaign": _CAMPAIGN,
        "owner": _OWNER,
        "mql_at": [("mql", 3), ("marketing qualified", 3)],
        "sql_at": [("sql", 3), ("sales qualified", 3)],
        "disqualified_at": [("disqualified", 3), ("unqualified", 2)],
        "status": [("status", 3), ("lifecycle", 2)],
    },
    "touch": {"email": _EMAIL, "touched_at": [("touched", 3), ("responded", 2), ("clicked", 2), ("visited", 2)],
              "channel": _CHANNEL, "campaign": _CAMPAIGN},
    "activity": {"email": _EMAIL, "activity_at": [("activity date", 3), ("at", 1), ("when", 1)],
                 "type": [("type", 3), ("activity", 2), ("kind", 1)], "owner": _OWNER},
    "spend": {"date": [("date", 2), ("day", 2)], "channel": _CHANNEL, "campaign": _CAMPAIGN,
              "cost": [("cost", 3), ("spend", 3), ("spent", 3), ("amount", 1)]},
}

_DATE = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|[a-z]{3,9}\.? \d{1,2},? \d{4}|"
                   r"\d{1,2} [a-z]{3,9}\.? \d{4})([ t].*)?$", re.I)
_NUMBER = re.compile(r"^[^\d\-]{0,4}-?\d[\d.,\s]*%?[^\d]{0,4}$")
_NEEDS = {"timestamp": _DATE, "date": _DATE, "money": _NUMBER, "percent": _NUMBER}


@dataclass(frozen=True)
class Proposal:
    kind: str
    fields_by_kind: dict          # kind -> {field: header}

    @property
    def fields(self) -> dict:
        return self.fields_by_kind[self.kind]


def words(header: str) -> set[str]:
    """A header's words: `engage_date` -> {engage, date}; `CloseDate` -> {close, date}."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _fits(field_type: str, values: list[str]) -> bool | None:
    """Do the column's non-empty sample values fit the field's type? None: nothing to check."""
    present = [v.strip() for v in values if v and v.strip()]
    if not present:
        return None
    if field_type == "email":
        return sum("@" in v for v in present) >= 0.8 * len(present)
    pattern = _NEEDS.get(field_type)
    if pattern is None:
        return None
    return sum(bool(pattern.match(v)) for v in present) >= 0.8 * len(present)


def _score(kind: str, field: str, header: str, values: list[str]) -> int:
    have = words(header)
    norm = "_".join(re.findall(r"[a-z0-9]+", str(header).lower()))
    score = 4 if norm == field else max((s for rule, s in RULES[kind].get(field, []) if set(rule.split()) <= have),
                                        default=0)
    if not score:
        return 0
    fits = _fits(KIND_FIELDS[kind][field], values)
    if fits is False:
        return 0
    return score + (1 if fits else 0)


def _assign(kind: str, headers: list[str], columns: list[list[str]]) -> tuple[int, dict]:
    pairs = sorted(((_score(kind, f, h, columns[i]), -i, f, i) for f in KIND_FIELDS[kind]
                    for i, h in enumerate(headers) if str(h).strip()), reverse=True)
    fields, used, total = {}, set(), 0
    for score, _, f, i in pairs:
        if score and f not in fields and i not in used:
            fields[f] = headers[i]
            used.add(i)
            total += score
    return total, fields


def propose(headers: list[str], rows: list[list[str]]) -> Proposal:
    """The likeliest kind and, for every kind, the likeliest column per field (fields with no likely
    column left out). `rows`: the first data rows' cells."""
    columns = [[r[i] if i < len(r) else "" for r in rows] for i in range(len(headers))]
    scored = {kind: _assign(kind, headers, columns) for kind in KIND_FIELDS}

    def complete(kind: str) -> bool:
        return all(any(f in scored[kind][1] for f in group) for group in KIND_REQUIRED[kind])

    kind = max(KIND_FIELDS, key=lambda k: (complete(k), scored[k][0]))
    return Proposal(kind, {k: fields for k, (_, fields) in scored.items()})
