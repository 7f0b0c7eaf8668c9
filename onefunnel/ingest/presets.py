"""Export formats OneFunnel recognises: which headers mean which canonical field.

A preset names a vendor export (or a generic template), the record kind it holds, and for
each canonical field the header spellings that carry it (case and surrounding spaces
ignored; a trailing `*` matches a prefix). When several of a field's headers are present,
the first non-empty value wins (so Pipedrive's `Closed on` beats `Expected close date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical fields per record kind, with their type.
KIND_FIELDS: dict[str, dict[str, str]] = {
    "lead": {
        "record_id": "id", "email": "email", "created_at": "timestamp", "company": "text",
        "source": "text", "campaign": "text", "owner": "text", "mql_at": "timestamp",
        "sql_at": "timestamp", "disqualified_at": "timestamp", "disqualify_reason": "text",
        "status": "text", "converted_opportunity_id": "id",
    },
    "opportunity": {
        "record_id": "id", "name": "text", "created_at": "timestamp", "close_date": "date",
        "stage": "text", "status": "text", "amount": "money", "probability": "percent",
        "is_closed": "bool", "is_won": "bool", "owner": "text", "source": "text",
        "lead_ref": "idlist", "email": "email",
    },
    "touch": {
        "email": "email", "lead_ref": "id", "touched_at": "timestamp", "channel": "text",
        "campaign": "text", "asset": "text",   # asset: the material of the touch (optional, README "Materials")
    },
    # type is stored lower-cased (cells are trimmed): METRICS.md's `meeting` is `Meeting`, ` MEETING `
    "activity": {"email": "email", "lead_ref": "id", "activity_at": "timestamp", "type": "lowercase", "owner": "text",
                 "asset": "text"},
    "spend": {"date": "date", "channel": "text", "campaign": "text", "cost": "money"},
}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    kind: str
    system: str                      # source system of the records' ids
    fields: dict[str, tuple[str, ...]]
    requires: tuple[tuple[str, ...], ...]   # each group: one of these headers must be present
    forbids: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)   # value when the export has none
    lead_ref_system: str | None = None      # system whose lead ids `lead_ref` uses (None = any)
    probability_is_fraction: bool = False   # HubSpot writes 0.2 for 20 %
    skip_rows: tuple[str, ...] = ()         # fields whose empty or 'Total...' value marks a summary row
    skip_empty: tuple[str, ...] = ()        # fields whose empty value ('--') marks a row with no record
    template: bool = False
    repeats_records: bool = False           # a report with one row per contact role: each record by its first row


def _p(key, label, kind, system, fields, requires, **kw) -> Preset:
    return Preset(key, label, kind, system,
                  {k: tuple(v) if isinstance(v, (list, tuple)) else (v,) for k, v in fields.items()},
                  tuple(tuple(g) if isinstance(g, (list, tuple)) else (g,) for g in requires), **kw)


PRESETS: list[Preset] = [
    _p("hubspot_contacts", "HubSpot contacts", "lead", "hubspot", {
        "record_id": ["Record ID", "Contact ID", "hs_object_id"],
        "email": ["Email", "email"],
        "created_at": ["Create Date", "createdate"],
        "company": ["Company Name", "Associated Company", "company"],
        "source": ["Original Source", "hs_analytics_source"],
        "campaign": ["Original Source Drill-Down 1", "hs_analytics_source_data_1"],
        "owner": ["Contact owner", "hubspot_owner_id"],
        "mql_at": ["Became a Marketing Qualified Lead Date", "hs_lifecyclestage_marketingqualifiedlead_date"],
        "sql_at": ["Became a Sales Qualified Lead Date", "hs_lifecyclestage_salesqualifiedlead_date"],
        "disqualified_at": ["Disqualified Date", "Unqualified Date"],
        "disqualify_reason": ["Disqualification Reason", "Disqualified Reason", "Unqualified Reason"],
        "status": ["Lead Status", "hs_lead_status", "Lifecycle Stage", "lifecyclestage"],
    }, [["Record ID", "Contact ID", "hs_object_id"], ["Email", "email"]],
        forbids=("Deal Stage", "dealstage", "Deal Name")),

    _p("hubspot_deals", "HubSpot deals", "opportunity", "hubspot", {
        "record_id": ["Record ID", "Deal ID", "hs_object_id"],
        "name": ["Deal Name", "dealname"],
        "created_at": ["Create Date", "createdate"],
        "close_date": ["Close Date", "closedate"],
        "stage": ["Deal Stage", "dealstage"],
        "amount": ["Amount in company currency", "Amount", "amount"],   # one currency to add up
        "probability": ["Deal probability", "hs_deal_stage_probability"],
        "owner": ["Deal owner", "hubspot_owner_id"],
        "source": ["Original Source Type", "Original Source", "hs_analytics_source"],
        "lead_ref": ["Associated Contact IDs", "Associated Contact ID"],
    }, [["Record ID", "Deal ID", "hs_object_id"], ["Deal Stage", "dealstage"]],
        lead_ref_system="hubspot", probability_is_fraction=True),

    _p("salesforce_leads", "Salesforce lead report", "lead", "salesforce", {
        "record_id": ["Lead ID"],
        "email": ["Email"],
        "created_at": ["Create Date", "Created Date"],
        "company": ["Company / Account", "Company"],
        "source": ["Lead Source"],
        "campaign": ["Campaign", "Campaign Name", "Primary Campaign Source"],
        "owner": ["Lead Owner"],
        "mql_at": ["MQL Date"],
        "sql_at": ["SQL Date"],
        "disqualified_at": ["Disqualified Date"],
        "disqualify_reason": ["Disqualification Reason", "Disqualified Reason"],
        "status": ["Lead Status"],
        "converted_opportunity_id": ["Converted Opportunity ID"],
    }, [["Lead ID"], ["Lead Status", "Lead Source", "Lead Owner", "Create Date", "Created Date"]],
        forbids=("Campaign Type", "Member Status")),

    _p("salesforce_opportunities", "Salesforce opportunity report", "opportunity", "salesforce", {
        "record_id": ["Opportunity ID"],
        "name": ["Opportunity Name"],
        "created_at": ["Created Date", "Create Date"],
        "close_date": ["Close Date"],
        "stage": ["Stage"],
        "amount": ["Amount"],
        "probability": ["Probability (%)", "Probability"],
        "is_closed": ["Closed"],
        "is_won": ["Won"],
        "owner": ["Opportunity Owner"],
        "source": ["Lead Source"],
        "lead_ref": ["Lead ID"],
        "email": ["Email", "Contact: Email"],
    }, [["Opportunity ID"], ["Stage"]], lead_ref_system="salesforce", repeats_records=True),

    _p("salesforce_campaign_members", "Salesforce campaign member report", "touch", "salesforce", {
        "email": ["Email"],
        "lead_ref": ["Lead ID", "Contact ID"],
        "touched_at": ["First Responded Date", "Member First Associated Date", "Created Date"],
        "channel": ["Campaign Type"],
        "campaign": ["Campaign Name"],
        "asset": ["Asset", "Content", "Campaign Member: Content", "Content__c"],
    }, [["Campaign Name"], ["Member Status", "First Responded Date", "Member First Associated Date"]],
        defaults={"channel": "Campaign"}, lead_ref_system="salesforce"),

    _p("salesforce_api_leads", "Salesforce leads (API names)", "lead", "salesforce", {
        "record_id": ["Id"],
        "email": ["Email"],
        "created_at": ["CreatedDate"],
        "company": ["Company"],
        "source": ["LeadSource"],
        "owner": ["OwnerId"],
        "mql_at": ["MQL_Date__c"],
        "sql_at": ["SQL_Date__c"],
        "status": ["Status"],
        "converted_opportunity_id": ["ConvertedOpportunityId"],
    }, [["Id"], ["Status", "IsConverted", "ConvertedOpportunityId"], ["CreatedDate"]],
        forbids=("StageName",)),

    _p("salesforce_api_opportunities", "Salesforce opportunities (API names)", "opportunity", "salesforce", {
        "record_id": ["Id"],
        "name": ["Name"],
        "created_at": ["CreatedDate"],
        "close_date": ["CloseDate"],
        "stage": ["StageName"],
        "amount": ["Amount"],
        "probability": ["Probability"],
        "is_closed": ["IsClosed"],
        "is_won": ["IsWon"],
        "owner": ["OwnerId"],
        "source": ["LeadSource"],
    }, [["Id"], ["StageName"], ["CloseDate"]]),

    _p("pipedrive_deals", "Pipedrive deals", "opportunity", "pipedrive", {
        "record_id": ["Deal - ID"],
        "name": ["Deal - Title"],
        "created_at": ["Deal - Deal created", "Deal - Add time"],
        "close_date": ["Deal - Closed on", "Deal - Won time", "Deal - Lost time", "Deal - Expected close date"],
        "stage": ["Deal - Stage"],
        "status": ["Deal - Status"],
        "amount": ["Deal - Value"],
        "probability": ["Deal - Probability"],
        "owner": ["Deal - Owner"],
        "source": ["Deal - Source", "Deal - Lead source"],
        "email": ["Person - Email", "Person - Email - Work", "Person - Email - Other"],
    }, [["Deal - ID", "Deal - Title"], ["Deal - Status", "Deal - Stage", "Deal - Value"]]),

    _p("google_ads", "Google Ads campaign report", "spend", "google_ads", {
        "date": ["Day", "Dia"],
        "campaign": ["Campaign", "Campanha"],
        "cost": ["Cost", "Custo"],
    }, [["Campaign", "Campanha"], ["Cost", "Custo"], ["Day", "Dia"]],
        forbids=("channel",), defaults={"channel": "Paid Search"}, skip_rows=("campaign",), skip_empty=("cost",)),

    _p("linkedin_ads", "LinkedIn Campaign Manager report", "spend", "linkedin_ads", {
        "date": ["Start Date (in UTC)", "Start Date"],
        "campaign": ["Campaign Name"],
        "cost": ["Total Spent", "Amount Spent"],
    }, [["Campaign Name"], ["Total Spent"], ["Start Date (in UTC)", "Start Date"]],
        defaults={"channel": "Paid Social"}, skip_empty=("cost",)),

    _p("meta_ads", "Meta Ads Manager report", "spend", "meta_ads", {
        "date": ["Reporting starts", "Day"],
        "campaign": ["Campaign name"],
        "cost": ["Amount spent*"],
    }, [["Campaign name"], ["Amount spent*"], ["Reporting starts", "Day"]],
        defaults={"channel": "Paid Social"}, skip_rows=("campaign",), skip_empty=("cost",)),

    # Generic templates: documented in README.md ("Templates").
    _p("template_leads", "Leads (template)", "lead", "template", {
        "record_id": ["lead_id"], "email": ["email"], "created_at": ["created_at"],
        "company": ["company"], "source": ["source"], "campaign": ["campaign"], "owner": ["owner"],
        "mql_at": ["mql_at"], "sql_at": ["sql_at"], "disqualified_at": ["disqualified_at"],
        "disqualify_reason": ["disqualify_reason"], "status": ["status"],
    }, [["email", "lead_id"], ["created_at"]], forbids=("opportunity_id", "touched_at"), template=True),

    _p("template_opportunities", "Opportunities (template)", "opportunity", "template", {
        "record_id": ["opportunity_id"], "name": ["name"], "created_at": ["created_at"],
        "close_date": ["close_date"], "stage": ["stage"], "amount": ["amount"],
        "probability": ["probability"], "is_closed": ["is_closed"], "is_won": ["is_won"],
        "owner": ["owner"], "source": ["source"], "email": ["email"], "lead_ref": ["lead_id"],
    }, [["opportunity_id"], ["stage", "close_date", "amount"]], template=True),

    _p("template_touches", "Touches (template)", "touch", "template", {
        "email": ["email"], "lead_ref": ["lead_id"], "touched_at": ["touched_at"],
        "channel": ["channel"], "campaign": ["campaign"], "asset": ["asset"],
    }, [["touched_at"], ["channel"]], template=True),

    _p("template_activities", "Activities (template)", "activity", "template", {
        "email": ["email"], "lead_ref": ["lead_id"], "activity_at": ["at"], "type": ["type"], "owner": ["owner"],
        "asset": ["asset"],
    }, [["at"], ["email", "lead_id"]], forbids=("touched_at", "created_at"), template=True),

    _p("template_spend", "Spend (template)", "spend", "template", {
        "date": ["date"], "channel": ["channel"], "campaign": ["campaign"], "cost": ["cost"],
    }, [["date"], ["cost"], ["channel", "campaign"]], template=True),
]

PRESETS_BY_KEY = {p.key: p for p in PRESETS}


def norm_header(h: str) -> str:
    return re.sub(r"\s+", " ", str(h).replace("\ufeff", "").strip().strip('"').strip()).lower()


def _matches(alias: str, header: str) -> bool:
    a = alias.lower()
    return header.startswith(a[:-1]) if a.endswith("*") else header == a


def find_column(alias: str, headers: list[str]) -> int | None:
    """Index of the first header matching the alias (headers already normalized)."""
    for i, h in enumerate(headers):
        if _matches(alias, h):
            return i
    return None


def match(preset: Preset, headers: list[str]) -> int:
    """How well the (normalized) headers fit the preset: 0 = not at all, else recognized columns."""
    if any(find_column(f, headers) is not None for f in preset.forbids):
        return 0
    for group in preset.requires:
        if not any(find_column(a, headers) is not None for a in group):
            return 0
    return sum(1 for aliases in preset.fields.values()
               for a in aliases if find_column(a, headers) is not None)


def detect(raw_headers: list[str], extra: list[Preset] | tuple[Preset, ...] = (), builtin: bool = True) -> Preset | None:
    """The preset that recognizes the most of these headers, or None.

    `extra` (formats the user mapped by hand, see custom_preset) are considered first: one
    whose mapped headers are all present is more specific than any template. builtin=False:
    only `extra` (a file read with a mapping named by the user)."""
    headers = [norm_header(h) for h in raw_headers]
    for candidates in (list(extra), PRESETS if builtin else []):
        if not candidates:
            continue
        scored = [(match(p, headers), i, p) for i, p in enumerate(candidates)]
        best = max(scored, key=lambda t: (t[0], -t[1]))
        if best[0] > 0:
            return best[2]
    return None


def ignored_columns(preset: Preset, raw_headers: list[str]) -> list[str]:
    """The file's (non-blank) headers that no field of the preset reads, in file order."""
    used = {i for ix in mapping(preset, raw_headers).values() for i in ix}
    return [str(h).strip() for i, h in enumerate(raw_headers) if i not in used and str(h).strip()]


# Fields the metrics need from a kind's records (one of each group). A built-in template that leaves one
# of them unmapped while the file has columns it does not read matches only loosely: the file is refused.
METRIC_FIELDS: dict[str, list[tuple[str, ...]]] = {
    "opportunity": [("stage", "is_won"), ("amount",), ("created_at",), ("close_date",)],
    "touch": [("email", "lead_ref")],
}


def loose_match(preset: Preset, raw_headers: list[str]) -> list[str]:
    """The metric fields a built-in template leaves unmapped ('stage or is_won', 'amount', ...) when the
    file also has columns the template does not read; [] for a good match or any other preset."""
    if preset.key not in PRESETS_BY_KEY or not preset.template or not ignored_columns(preset, raw_headers):
        return []
    found = mapping(preset, raw_headers)
    names = [[preset.fields[f][0] for f in group if f in preset.fields]
             for group in METRIC_FIELDS.get(preset.kind, []) if not any(f in found for f in group)]
    return [n[0] + (f" (or {' or '.join(n[1:])})" if n[1:] else "") for n in names]


# ---- formats mapped by hand (setting `custom_formats`) ----------------------------------------------

CUSTOM_PREFIX = "custom:"
# Rows of a kind need these fields (one of each group): a mapping without them would load nothing.
KIND_REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "lead": [("record_id", "email")],
    "opportunity": [("record_id",)],
    "touch": [("touched_at",), ("email", "lead_ref")],
    "activity": [("activity_at",), ("email", "lead_ref")],
    "spend": [("date",), ("cost",)],
}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_") or "custom"


def custom_format_entry(name: str, kind: str, fields: dict[str, str]) -> dict:
    """The setting entry of a hand-made mapping {canonical field: header}; ValueError when unusable."""
    if kind not in KIND_FIELDS:
        raise ValueError(f"unknown record kind {kind!r}; one of {', '.join(KIND_FIELDS)}")
    fields = {f: str(h).strip() for f, h in fields.items() if h is not None and str(h).strip()}
    unknown = [f for f in fields if f not in KIND_FIELDS[kind]]
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not a field of {kind} records")
    for group in KIND_REQUIRED[kind]:
        if not any(f in fields for f in group):
            raise ValueError(f"{kind} records need a column for {' or '.join(group)}")
    name = str(name).strip() or "Custom format"
    slug = slugify(name)
    return {"key": CUSTOM_PREFIX + slug, "label": name, "kind": kind, "system": slug, "fields": fields}


def custom_preset(entry: dict) -> Preset:
    """A Preset from a `custom_formats` entry: every mapped header is required, ids are the file's
    own (source system = the slug), and rows follow the template rules (a lead without id is
    identified by its content; is_won/is_closed follow the stage map)."""
    fields = {f: (h,) for f, h in entry["fields"].items()}
    requires = tuple((h,) for h in dict.fromkeys(entry["fields"].values()))
    return Preset(entry["key"], entry["label"], entry["kind"], entry["system"], fields, requires, template=True)


def mapping(preset: Preset, raw_headers: list[str]) -> dict[str, list[int]]:
    """Canonical field -> the column indexes that carry it, in preference order."""
    headers = [norm_header(h) for h in raw_headers]
    out = {}
    for fname, aliases in preset.fields.items():
        cols = []
        for a in aliases:
            i = find_column(a, headers)
            if i is not None and i not in cols:
                cols.append(i)
        if cols:
            out[fname] = cols
    return out
