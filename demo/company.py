"""Demo company for OneFunnel: Northwind Analytics, a B2B SaaS seller of BI dashboards.

`write_demo_exports()` writes two years of its funnel (2025-01-01 to DEMO_END) as the
files real tools export, so the demo exercises the same import path a user's data
takes. HubSpot holds the contacts throughout and the deals of 2025; sales moved to
Salesforce for deals created from 2026-01-01. Output depends only on the seed: the
anchor is DEMO_END (never today), all randomness comes from one `random.Random(seed)`
(the LinkedIn and Meta files draw from a second stream derived from the seed, so ad
spend never moves the funnel), and nothing iterates over a set or hash order.
`demo_goals()` gives the monthly revenue goals; each quarter's winners are drawn until
won revenue reaches a planned share of its goal, so the attainment story holds for any
seed.

Files, in import order: hubspot_contacts.csv, hubspot_deals.csv,
salesforce_opportunities.csv, google_ads_campaigns.csv, linkedin_campaigns.csv,
meta_ads.csv, touches.csv, activities.csv. `demo.load` also lists NON_MARKETING_SOURCES
(`Offline Sources`) as non-marketing sources, so sales-created contacts get no origin touch.

Patterns a user should find:
- Poor lead quality: channel `Paid Social` (campaigns `linkedin-lead-gen`,
  `meta-ebook-ads`) grows to the largest source of leads and MQLs, but sales rejects
  most of them (MQL->SQL ~10% vs ~55% elsewhere; Disqualification Reason `Student`,
  `No budget`, `Competitor`, `Personal email`) and it wins almost no revenue. It is also
  the most expensive channel: LinkedIn (`linkedin-lead-gen`, `linkedin-retargeting`) and
  Meta (`meta-ebook-ads`) spend 2-4.5x Google Ads, so its cost per MQL is 1.3-2.8x Paid
  Search's in every quarter and its ROI (linear credit / spend) is below 0.4 where Paid
  Search's is 1-3.
- Sourced vs influenced: ~30% of opportunities are sales-sourced. Reps create prospects
  by hand (Original Source `Offline Sources`, Drill-Down 1 `CRM_UI`, Lead Status
  `Attempted to Contact`); they never get an MQL date, ~60% reach SQL, and their deals
  win a little less often (outbound deals are somewhat larger). Marketing still reaches
  some of them (newsletter, webinars, retargeting, pricing page, brand search, the
  `customer-stories` emails during an open deal, roundtable invitations), so
  marketing_sourced_revenue < marketing_influenced_revenue < won_revenue. Event
  attendees are imported as `Offline Sources` too, but carry an `Events` touch of their
  event on the day before the import, and they are marketing-sourced once they MQL.
- Slow follow-up: rep `Marcus Webb` makes his first activity 30-80 hours after mql_at
  (SLA 24 h); the other reps answer in 1-8 hours. MQLs of the last days before
  DEMO_END partly have no activity yet (SLA pending).
- Big deals: leads touched by campaign `enterprise-roundtable` (channel `Events`,
  breakfast sessions every three weeks) win deals 3-5x the average size; sales also
  invites its own prospects, so some roundtable deals are sales-sourced.
- Quarter behind goal: 2026-Q2 wins only ~70% of its goal (smaller deals won);
  the other quarters land within ~8% of goal; 2026-Q4 is in progress at DEMO_END.
- Realistic rates: lead->MQL ~34% (sales-created contacts count as leads that never
  MQL), MQL->SQL ~42%, SQL->opp ~65%, win rate ~28%, sales cycles 20-90 days; open deals
  closing up to two months after DEMO_END and some stalled open deals whose close date
  has passed.
Parsing traps on purpose: a Salesforce account name with a comma, an opportunity name
with a quoted newline and one with inner quotes, a few opportunities repeated once per
contact role, mixed-case emails in Salesforce and touches, a few HubSpot deals with two
contact ids, touches from unknown people, activities before mql_at, event touches a day
before the contact exists, Google Ads numbers with thousands commas, `--` cells and
`Total:` rows; LinkedIn as UTF-16 (BOM) with tabs, CRLF, a five-line report block above
the header and US dates; Meta with every cell quoted, the currency in the `Amount spent
(USD)` header and an account-total first row with a blank campaign name.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import math
import pathlib
import random
import unicodedata

DEMO_START = datetime.date(2025, 1, 1)
DEMO_END = datetime.date(2026, 11, 20)   # fixed anchor, never date.today()
EXPORT_AT = datetime.datetime(2026, 11, 20, 18, 0)
SALESFORCE_FROM = datetime.date(2026, 1, 1)

COMPANY = "Northwind Analytics"
REPS = ["Dana Reyes", "Marcus Webb", "Priya Natarajan", "Tom Becker", "Elena Sokolova"]
SLOW_REP = "Marcus Webb"
POOR_QUALITY_CHANNEL = "Paid Social"
BIG_DEAL_CAMPAIGN = "enterprise-roundtable"
BIG_DEAL_CHANNEL = "Events"
BEHIND_QUARTER = "2026-Q2"
# Sales outbound: contacts a rep creates by hand in the CRM (HubSpot Original Source
# `Offline Sources`, Drill-Down 1 `CRM_UI`). They never become MQLs.
SALES_SOURCE = "Offline Sources"
SALES_CAMPAIGN = "CRM_UI"
# Lead sources that are not a marketing interaction: no origin touch (demo.load sets them).
# Event attendees, also imported as `Offline Sources`, carry an `Events` touch of their own.
NON_MARKETING_SOURCES = [SALES_SOURCE]
LINKEDIN_CAMPAIGNS = ["linkedin-lead-gen", "linkedin-retargeting"]
META_CAMPAIGNS = ["meta-ebook-ads"]

FILE_NAMES = [
    "hubspot_contacts.csv",
    "hubspot_deals.csv",
    "salesforce_opportunities.csv",
    "google_ads_campaigns.csv",
    "linkedin_campaigns.csv",
    "meta_ads.csv",
    "touches.csv",
    "activities.csv",
]

# Share of each quarter's goal (to DEMO_END) that is won.
_ATTAINMENT = {"2025-Q1": 0.96, "2025-Q2": 1.05, "2025-Q3": 0.94, "2025-Q4": 1.03,
               "2026-Q1": 0.98, "2026-Q2": 0.69, "2026-Q3": 1.04, "2026-Q4": 0.92}
# Monthly revenue goals: a plan growing with the funnel, which starts empty in January 2025.
_GOALS = {
    "2025-01": 15000.0, "2025-02": 35000.0, "2025-03": 70000.0,
    "2025-04": 120000.0, "2025-05": 140000.0, "2025-06": 155000.0,
    "2025-07": 170000.0, "2025-08": 175000.0, "2025-09": 180000.0,
    "2025-10": 180000.0, "2025-11": 190000.0, "2025-12": 195000.0,
    "2026-01": 225000.0, "2026-02": 230000.0, "2026-03": 235000.0,
    "2026-04": 235000.0, "2026-05": 245000.0, "2026-06": 250000.0,
    "2026-07": 250000.0, "2026-08": 255000.0, "2026-09": 265000.0,
    "2026-10": 270000.0, "2026-11": 275000.0, "2026-12": 285000.0,
}


def demo_goals() -> dict[str, float]:
    """Monthly revenue goals {'2025-01': 120000.0, ...} for every month of the demo period."""
    return dict(_GOALS)


# --- vocabulary -------------------------------------------------------------

# Original Source label -> (share at start, share at end) of daily leads.
_SOURCE_MIX = [
    ("Organic Search", 0.24, 0.17),
    ("Paid Search", 0.20, 0.16),
    ("Paid Social", 0.10, 0.33),
    ("Email Marketing", 0.10, 0.07),
    ("Referrals", 0.09, 0.07),
    ("Direct Traffic", 0.15, 0.10),
    ("Social Media", 0.08, 0.05),
]
# source -> [(campaign, weight, first day)]
_CAMPAIGNS = {
    "Organic Search": [("blog", 0.6, DEMO_START), ("bi-buyers-guide", 0.4, DEMO_START)],
    "Paid Search": [("search-brand", 0.35, DEMO_START), ("search-nonbrand-bi", 0.45, DEMO_START),
                    ("search-competitor", 0.25, datetime.date(2025, 4, 7))],
    "Paid Social": [("linkedin-lead-gen", 1.0, DEMO_START),
                    ("meta-ebook-ads", 0.9, datetime.date(2025, 9, 1))],
    "Email Marketing": [("monthly-newsletter", 0.6, DEMO_START), ("partner-co-marketing", 0.4, DEMO_START)],
    "Referrals": [("partner-program", 0.6, DEMO_START), ("customer-referral", 0.4, DEMO_START)],
    "Direct Traffic": [("", 1.0, DEMO_START)],
    "Social Media": [("linkedin-organic", 0.7, DEMO_START), ("x-organic", 0.3, DEMO_START)],
}
GOOGLE_ADS_CAMPAIGNS = [c for c, _, _ in _CAMPAIGNS["Paid Search"]]
# Webinars and trade shows: (campaign, event day, leads imported the day after).
_EVENTS = [
    ("spring-webinar-2025", datetime.date(2025, 4, 16), 45),
    ("saas-connect-2025", datetime.date(2025, 6, 11), 70),
    ("fall-webinar-2025", datetime.date(2025, 10, 8), 55),
    ("spring-webinar-2026", datetime.date(2026, 4, 15), 60),
    ("saas-connect-2026", datetime.date(2026, 6, 10), 90),
    ("fall-webinar-2026", datetime.date(2026, 10, 7), 70),
]
_P_MQL = {"Organic Search": 0.33, "Paid Search": 0.37, "Paid Social": 0.45, "Email Marketing": 0.30,
          "Referrals": 0.48, "Direct Traffic": 0.32, "Social Media": 0.25, "Offline Sources": 0.36}
_P_SQL = {"Paid Social": 0.10, "Referrals": 0.65}
_P_SQL_DEFAULT = 0.55
_DQ_REASONS_SOCIAL = [("Student", 3), ("No budget", 4), ("Competitor", 2), ("Personal email", 2),
                      ("Not a fit", 1)]
_DQ_REASONS = [("No budget", 3), ("Not a fit", 4), ("Bad timing", 3), ("Unresponsive", 3),
               ("Competitor", 1)]
# Sales outbound: contacts created per working day (at start, at end), the share that books a
# discovery call (SQL), and why the others are dropped.
_OUTBOUND_PER_DAY = (0.5, 1.2)
_P_SQL_OUTBOUND = 0.6
_DQ_REASONS_OUTBOUND = [("Unresponsive", 4), ("Not a fit", 3), ("Bad timing", 3), ("No budget", 2)]
_HS_STAGES = [("Appointment Scheduled", 0.2), ("Qualified To Buy", 0.4), ("Presentation Scheduled", 0.6),
              ("Decision Maker Bought-In", 0.8), ("Contract Sent", 0.9)]
_SF_STAGES = [("Prospecting", 10), ("Qualification", 20), ("Needs Analysis", 30),
              ("Proposal/Price Quote", 75), ("Negotiation/Review", 90)]
_PRODUCTS = ["Analytics Platform", "Team Plan", "Business Plan", "Data Connectors Add-on",
             "Analytics Platform (annual)"]

_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan", "Amelia",
          "Mason", "Harper", "Logan", "Ella", "Aiden", "Grace", "Daniel", "Chloe", "Matthew", "Nora",
          "Samuel", "Lily", "David", "Zoe", "Ryan", "Hannah", "Nathan", "Leah", "Isaac", "Maya", "Owen",
          "Aria", "Caleb", "Sara", "Adrian", "Julia", "Gabriel", "Elena", "Victor", "Priya", "Arjun",
          "Wei", "Mei", "Hiroshi", "Yuki", "Omar", "Fatima", "Ahmed", "Layla", "Carlos", "Lucía", "José",
          "Inés", "Mateo", "Sofía", "Björn", "Zoë", "Renée", "François", "Chiara", "Marco", "Anna",
          "Jonas", "Lena", "Tomasz", "Katarzyna", "Kwame", "Amara", "Chinedu", "Ngozi", "Dmitri", "Olga",
          "Sean", "Aoife", "Rahul", "Ananya", "Jin", "Thiago", "Rachel", "Kevin", "Laura", "Brian"]
_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
         "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
         "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
         "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts",
         "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris",
         "Murphy", "Cook", "Rogers", "O'Brien", "Müller", "Schmidt", "Nguyen", "Patel", "Shah", "Kim",
         "Park", "Chen", "Wang", "Tanaka", "Sato", "Kowalski", "Novak", "Rossi", "Bianchi", "Dubois",
         "Lefèvre", "Núñez", "Fernández", "Silva", "Costa", "Jensen", "Larsen", "Okafor", "Mensah",
         "Haddad", "Khan", "Ivanova", "Byrne", "Andersson", "Çelik", "Yilmaz", "Kaur", "Singh"]
_CO_A = ["Bluefin", "Cedar", "Ironwood", "Northgate", "Silverline", "Harbor", "Summit", "Redwood",
         "Lakeside", "Keystone", "Brightline", "Copperleaf", "Evergreen", "Granite", "Highland", "Juniper",
         "Maple", "Meridian", "Oakridge", "Pinecrest", "Quarry", "Riverbend", "Sagebrush", "Tidewater",
         "Westfield", "Arrowhead", "Beacon", "Crescent", "Driftwood", "Falcon", "Foxglove", "Halcyon",
         "Kestrel", "Larkspur", "Mosaic", "Nimbus", "Orchard", "Pioneer", "Quill", "Sterling", "Trident",
         "Vantage", "Willow", "Zephyr", "Atlas", "Bramble", "Cobalt", "Delta", "Ember", "Fjord", "Helix",
         "Indigo", "Lumen", "Marlin", "Nordic", "Onyx", "Polaris", "Solstice", "Tundra", "Vertex"]
_CO_B = ["Logistics", "Health", "Capital", "Foods", "Retail", "Software", "Energy", "Manufacturing",
         "Insurance", "Biotech", "Media", "Labs", "Freight", "Dental", "Realty", "Systems", "Outdoor",
         "Pharma", "Robotics", "Telecom", "Apparel", "Travel", "Payments", "Security"]
_CO_SUFFIX = [("", 5), (" Inc.", 3), (" LLC", 2), (" GmbH", 1), (" Ltd", 1), (" Group", 1)]
_UNIVERSITIES = ["University of Leeds", "Arizona State University", "TU Munich", "University of Toronto",
                 "Ohio State University", "University of Lagos"]
_PERSONAL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com"]


# --- small helpers ----------------------------------------------------------

def _pick(rng: random.Random, pairs):
    """Weighted choice over [(value, weight), ...]."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    return "".join(c for c in s if c.isalnum())


def _hours(h: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=round(h * 3600))


def _days(d: float) -> datetime.timedelta:
    return _hours(d * 24)


def _minute(t: datetime.datetime) -> datetime.datetime:
    return t.replace(second=0, microsecond=0)


def _work_time(rng: random.Random, day: datetime.date, start_h: float = 8.0, end_h: float = 18.0):
    """A moment in office hours on `day`, or on the Monday after a weekend day."""
    if day.weekday() >= 5:
        day += datetime.timedelta(days=7 - day.weekday())
    return datetime.datetime.combine(day, datetime.time()) + _hours(rng.uniform(start_h, end_h))


_HOUR_WEIGHTS = [0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 1.2, 3, 5, 6, 6, 5, 5.5, 6, 5.5, 4.5, 3, 2, 1.8,
                 1.5, 1.2, 0.8, 0.3]


def _lead_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    hour = _pick(rng, list(enumerate(_HOUR_WEIGHTS)))
    return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)))


def _office_hours(rng: random.Random, t: datetime.datetime) -> datetime.datetime:
    """Move a rep's action at night to the next morning."""
    if 7 <= t.hour < 20:
        return t
    day = t.date() if t.hour < 7 else t.date() + datetime.timedelta(days=1)
    return _work_time(rng, day, 7.5, 9.5)


def _hs_dt(t) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


def _iso(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _us_date(d: datetime.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _money(x: float) -> str:
    return f"{x:.0f}" if x == int(x) else f"{x:.2f}"


def _sf_id18(id15: str) -> str:
    """Salesforce's case-safe 18-character id: 3 checksum chars from the case of the 15."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for i in range(3):
        chunk = id15[i * 5:(i + 1) * 5]
        suffix += alphabet[sum(1 << j for j, c in enumerate(chunk) if "A" <= c <= "Z")]
    return id15 + suffix


# --- the simulated world ----------------------------------------------------

class _Lead:
    def __init__(self, created, source, campaign, first, last, company, email):
        self.created = created
        self.source = source
        self.campaign = campaign
        self.first = first
        self.last = last
        self.company = company
        self.email = email
        self.owner = ""
        self.mql = self.sql = self.disq = None
        self.disq_reason = ""
        self.follow_up = None
        self.deals: list[_Deal] = []
        self.hs_deal_ids: list[str] = []
        self.record_id = 0
        self.outbound = False        # created by a rep while prospecting (sales-sourced)


class _Deal:
    def __init__(self, lead, created, amount, owner, product, kind="New Business"):
        self.lead = lead
        self.created = created
        self.amount = amount
        self.owner = owner
        self.product = product
        self.kind = kind
        self.close: datetime.datetime | None = None
        self.is_closed = False
        self.is_won = False
        self.progress = 0.0          # share of the cycle done, for open deals
        self.p_win = 0.0
        self.extra_contacts: list[_Lead] = []
        self.record_id = ""
        self.name = ""
        self.last_activity = None

    @property
    def system(self) -> str:
        return "hubspot" if self.created.date() < SALESFORCE_FROM else "salesforce"


class _World:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.emails: set[str] = set()
        self.leads: list[_Lead] = []
        self.deals: list[_Deal] = []
        self.touches: list[tuple] = []       # (lead or email str, time, channel, campaign)
        self.activities: list[tuple] = []    # (lead, time, type, owner)
        self.companies = self._company_pool()
        self.roundtables = self._roundtable_days()

    # people and companies

    def _company_pool(self):
        rng, pool, seen = self.rng, [], set()
        while len(pool) < 1400:
            a, b = rng.choice(_CO_A), rng.choice(_CO_B)
            if (a, b) in seen:
                continue
            seen.add((a, b))
            tld = _pick(rng, [(".com", 7), (".io", 2), (".co", 1)])
            pool.append((a + " " + b + _pick(rng, _CO_SUFFIX), _ascii(a + b) + tld))
        return pool

    def _unique_email(self, local_parts: list[str], domain: str) -> str:
        for local in local_parts:
            email = f"{local}@{domain}"
            if email not in self.emails:
                self.emails.add(email)
                return email
        n = 2
        while f"{local_parts[0]}{n}@{domain}" in self.emails:
            n += 1
        self.emails.add(f"{local_parts[0]}{n}@{domain}")
        return f"{local_parts[0]}{n}@{domain}"

    def new_person(self, source: str, company=None):
        rng = self.rng
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        f, l = _ascii(first), _ascii(last)
        if source == "Paid Social" and company is None and rng.random() < 0.4:
            student = rng.random() < 0.4
            name = rng.choice(_UNIVERSITIES) if student else ""
            email = self._unique_email([f"{f}.{l}{rng.randrange(10, 99)}", f"{f}{l}{rng.randrange(1, 999)}"],
                                       rng.choice(_PERSONAL_DOMAINS))
            return first, last, name, email
        name, domain = company or rng.choice(self.companies)
        locals_ = {0: [f"{f}.{l}", f"{f[0]}{l}", f"{f}.{l[0]}"], 1: [f"{f[0]}{l}", f"{f}.{l}"],
                   2: [f, f"{f}.{l}"]}[_pick(rng, [(0, 6), (1, 3), (2, 1)])]
        return first, last, name, self._unique_email(locals_, domain)

    def add_lead(self, created, source, campaign, company=None) -> _Lead:
        first, last, name, email = self.new_person(source, company)
        lead = _Lead(created, source, campaign, first, last, name, email)
        self.leads.append(lead)
        return lead

    def _roundtable_days(self):
        day = datetime.date(2025, 2, 6)   # a Thursday; then every three weeks
        days = []
        while day <= DEMO_END:
            days.append(day)
            day += datetime.timedelta(days=21)
        return days

    # lead flow

    def create_leads(self):
        rng = self.rng
        span = (DEMO_END - DEMO_START).days
        events = {d + datetime.timedelta(days=1): (c, n) for c, d, n in _EVENTS}
        day = DEMO_START
        while day <= DEMO_END:
            t = (day - DEMO_START).days / span
            lam = 4.3 + 5.2 * t
            if day.weekday() >= 5:
                lam *= 0.35
            if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
                lam *= 0.5
            if day.month == 8:
                lam *= 0.85
            mix = [(s, a + (b - a) * t) for s, a, b in _SOURCE_MIX]
            for _ in range(_poisson(rng, lam)):
                source = _pick(rng, mix)
                campaign = _pick(rng, [(c, w) for c, w, first in _CAMPAIGNS[source] if first <= day])
                created = _lead_time(rng, day)
                if created <= EXPORT_AT:
                    self.add_lead(created, source, campaign)
            if day in events:
                campaign, n = events[day]
                base = datetime.datetime.combine(day, datetime.time(10, 5))
                for i in range(n):   # a list import: ~40 rows a minute
                    self.add_lead(base + datetime.timedelta(minutes=i // 40), "Offline Sources", campaign)
            day += datetime.timedelta(days=1)

    def outbound_leads(self):
        """Sales prospecting: a rep creates the contact by hand after a first reply (no MQL)."""
        rng = self.rng
        span = (DEMO_END - DEMO_START).days
        day = DEMO_START
        while day <= DEMO_END:
            t = (day - DEMO_START).days / span
            lam = _OUTBOUND_PER_DAY[0] + (_OUTBOUND_PER_DAY[1] - _OUTBOUND_PER_DAY[0]) * t
            if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
                lam *= 0.3
            if day.weekday() < 5:
                for _ in range(_poisson(rng, lam)):
                    created = _minute(_work_time(rng, day, 8.5, 17.5))
                    if created > EXPORT_AT:
                        continue
                    lead = self.add_lead(created, SALES_SOURCE, SALES_CAMPAIGN)
                    lead.outbound = True
                    lead.owner = rng.choice(REPS)
            day += datetime.timedelta(days=1)

    def qualify_outbound(self, lead: _Lead):
        rng = self.rng
        follow = _office_hours(rng, lead.created + _hours(rng.uniform(0.05, 1.5)))
        if follow > EXPORT_AT:
            return
        lead.follow_up = follow      # the rep logs the call or email that made them create the contact
        if rng.random() < _P_SQL_OUTBOUND:
            sql = _minute(_work_time(rng, (lead.created + _days(rng.triangular(1, 21, 5))).date(), 9, 18))
            if sql <= EXPORT_AT:
                lead.sql = sql
        elif rng.random() < 0.6:
            disq = _minute(_work_time(rng, (follow + _days(rng.triangular(3, 40, 10))).date(), 8, 18))
            if disq <= EXPORT_AT:
                lead.disq = disq
                lead.disq_reason = _pick(rng, _DQ_REASONS_OUTBOUND)

    def qualify(self, lead: _Lead):
        rng = self.rng
        if lead.outbound:
            self.qualify_outbound(lead)
            return
        if rng.random() >= _P_MQL[lead.source]:
            return
        if rng.random() < 0.3:      # demo request: MQL within minutes
            mql = lead.created + datetime.timedelta(minutes=rng.randrange(1, 20))
        else:
            delay = min(rng.expovariate(1 / 4.0), 40) + 0.2
            mql = _minute(_work_time(rng, (lead.created + _days(delay)).date(), 8, 16.5))
            if mql <= lead.created:
                mql = lead.created + datetime.timedelta(minutes=rng.randrange(5, 90))
        if mql > EXPORT_AT:
            return
        lead.mql = mql
        lead.owner = rng.choice(REPS)

        # first follow-up by the owner
        if lead.owner == SLOW_REP:
            hours = rng.uniform(10, 22) if rng.random() < 0.12 else rng.triangular(30, 80, 44)
        else:
            hours = rng.uniform(12, 30) if rng.random() < 0.05 else rng.triangular(0.6, 8, 2.2)
        follow = _office_hours(rng, mql + _hours(hours) + datetime.timedelta(seconds=rng.randrange(60)))
        recent = mql >= EXPORT_AT - datetime.timedelta(days=3)
        if follow > EXPORT_AT or (recent and rng.random() < 0.6):
            return
        lead.follow_up = follow

        p_sql = _P_SQL.get(lead.source, _P_SQL_DEFAULT)
        if rng.random() < p_sql:
            sql = _minute(_work_time(rng, (follow + _days(rng.triangular(1, 12, 3))).date(), 10, 18))
            if sql <= EXPORT_AT:
                lead.sql = sql
        elif rng.random() < 0.85:
            disq = _minute(_work_time(rng, (follow + _days(rng.triangular(1, 20, 4))).date(), 8, 18))
            if disq <= EXPORT_AT:
                lead.disq = disq
                reasons = _DQ_REASONS_SOCIAL if lead.source == "Paid Social" else _DQ_REASONS
                lead.disq_reason = _pick(rng, reasons)

    def open_opportunity(self, lead: _Lead):
        rng = self.rng
        if lead.sql is None:
            return
        if rng.random() >= 0.66:
            if rng.random() < 0.5:   # accepted by sales, later dropped
                disq = _minute(_work_time(rng, (lead.sql + _days(rng.uniform(5, 30))).date(), 8, 18))
                if disq <= EXPORT_AT:
                    lead.disq = disq
                    lead.disq_reason = _pick(rng, [("Bad timing", 3), ("No budget", 2), ("Not a fit", 1)])
            return
        created = _minute(_work_time(rng, (lead.sql + _days(rng.triangular(1.0, 10, 2.5))).date(), 8.5, 18))
        if created > EXPORT_AT:
            return

        # big deals: the lead came to an enterprise roundtable before the deal opened
        sessions = [d for d in self.roundtables
                    if lead.created.date() < d < created.date()]
        enterprise = (lead.source != "Paid Social" and sessions and rng.random() < 0.25)
        if enterprise:
            day = rng.choice(sessions)
            at = datetime.datetime.combine(day, datetime.time(8, 30)) + datetime.timedelta(
                seconds=rng.randrange(1800))
            self.touches.append((lead, at, BIG_DEAL_CHANNEL, BIG_DEAL_CAMPAIGN))
        if enterprise and rng.random() < 0.93:
            amount = min(120000, max(45000, round(rng.lognormvariate(math.log(78000), 0.25), -3)))
            product, cycle = "Enterprise Plan", rng.triangular(40, 90, 70)
            p_win = 0.45
        else:
            median = 9000 if lead.source == "Paid Social" else 20000 if lead.outbound else 17000
            amount = min(60000, max(5000, round(rng.lognormvariate(math.log(median), 0.5), -2)))
            product, cycle = rng.choice(_PRODUCTS), rng.triangular(20, 90, 38)
            p_win = 0.27 if lead.outbound else {"Paid Social": 0.12, "Referrals": 0.42}.get(lead.source, 0.31)
        deal = _Deal(lead, created, float(amount), lead.owner, product)
        self.settle(deal, cycle, p_win)
        lead.deals.append(deal)
        self.deals.append(deal)

    def settle(self, deal: _Deal, cycle: float, p_win: float):
        rng = self.rng
        close = _minute(_work_time(rng, (deal.created + _days(cycle)).date(), 9, 18))
        deal.p_win = p_win
        if close.date() <= DEMO_END and close <= EXPORT_AT:
            if deal.created.date() >= datetime.date(2026, 3, 1) and rng.random() < 0.14:
                deal.progress = rng.uniform(0.3, 0.95)    # stalled: close date passed, still open
            else:
                deal.is_closed = True    # won or lost: decided per quarter in choose_winners
        else:
            limit = DEMO_END + datetime.timedelta(days=62)
            if close.date() > limit:
                close = close.replace(year=limit.year, month=limit.month, day=limit.day) - datetime.timedelta(
                    days=rng.randrange(0, 28))
            deal.progress = min(0.95, (EXPORT_AT - deal.created) / (close - deal.created))
        deal.close = close

    def choose_winners(self, year: int):
        """Decide won/lost for the deals closed in each quarter of `year`.

        Deals are drawn in a random order weighted by their win chance and won until
        the quarter's revenue reaches its planned share of goal (_ATTAINMENT), so the
        quarters land where the story needs them and the lost deals are the weaker ones.
        """
        rng = self.rng
        for q in range(1, 5):
            key = f"{year}-Q{q}"
            if key not in _ATTAINMENT:
                continue
            months = [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
            goal = 0.0
            for month in months:
                first = datetime.date(year, int(month[5:]), 1)
                last = datetime.date(year + (first.month == 12), first.month % 12 + 1, 1) - datetime.timedelta(days=1)
                inside = (min(last, DEMO_END) - first).days + 1
                goal += _GOALS[month] * max(0, inside) / ((last - first).days + 1)
            target = goal * _ATTAINMENT[key]
            closed = [d for d in self.deals if d.is_closed and d.close.year == year
                      and (d.close.month - 1) // 3 + 1 == q]
            order = sorted(closed, key=lambda d: -(rng.random() ** (1 / d.p_win)))
            revenue = 0.0
            for deal in order:
                if revenue + deal.amount <= target * 1.02:
                    deal.is_won = True
                    revenue += deal.amount

    def expansions(self):
        """Upsells in 2026 to 2025 customers (Salesforce `Existing Business`)."""
        rng = self.rng
        for deal in list(self.deals):
            if not (deal.is_won and deal.close.year == 2025 and deal.product != "Enterprise Plan"):
                continue
            if rng.random() >= 0.25:
                continue
            start = max(deal.close + datetime.timedelta(days=60),
                        datetime.datetime.combine(SALESFORCE_FROM, datetime.time(9)))
            created = _minute(_work_time(rng, (start + _days(rng.uniform(0, 150))).date(), 9, 17))
            if created > EXPORT_AT:
                continue
            amount = float(round(rng.uniform(5000, 15000), -2))
            new = _Deal(deal.lead, created, amount, deal.owner, "Additional Seats", "Existing Business")
            self.settle(new, rng.triangular(20, 45, 28), 0.55)
            deal.lead.deals.append(new)
            self.deals.append(new)

    def second_contacts(self):
        """A few deals involve a colleague whom sales added to the CRM."""
        rng = self.rng
        for deal in self.deals:
            if deal.kind != "New Business" or rng.random() >= 0.04:
                continue
            primary = deal.lead
            domain = primary.email.split("@")[1]
            if domain in _PERSONAL_DOMAINS:
                continue
            created = max(primary.created, deal.created - _days(rng.uniform(0.1, 3)))
            colleague = self.add_lead(_minute(created), "Offline Sources", "CRM_UI",
                                      (primary.company, domain))
            colleague.owner = deal.owner
            deal.extra_contacts.append(colleague)

    # marketing touches after lead creation

    def marketing_touches(self):
        rng = self.rng
        add = self.touches.append
        newsletters = []
        month = datetime.date(2025, 1, 1)
        while month <= DEMO_END:
            day = month + datetime.timedelta(days=(1 - month.weekday()) % 7)   # first Tuesday
            newsletters.append(day)
            month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        webinars = [(c, d) for c, d, _ in _EVENTS]
        event_days = {c: d for c, d, _ in _EVENTS}
        for lead in self.leads:
            if lead.outbound:
                self._outbound_touches(lead, newsletters, webinars)
                continue
            if lead.source == SALES_SOURCE and lead.campaign == SALES_CAMPAIGN:
                continue
            if lead.campaign in event_days:     # attended the day before the list was imported
                day = event_days[lead.campaign]
                start = 16.0 if "webinar" in lead.campaign else rng.uniform(9, 16.5)
                add((lead, datetime.datetime.combine(day, datetime.time()) + _hours(start + rng.uniform(0, 0.5)),
                     "Events", lead.campaign))
            c = lead.created
            for day in newsletters:
                if day > c.date() and rng.random() < 0.05:
                    add((lead, _work_time(rng, day, 10, 20), "Email Marketing", "monthly-newsletter"))
            for _ in range(_pick(rng, [(0, 5), (1, 3), (2, 2), (3, 1)])):
                add((lead, c + _days(rng.uniform(1, 30)), "Email Marketing", "nurture-sequence"))
            for campaign, day in webinars:
                if day > c.date() and rng.random() < 0.035:
                    add((lead, datetime.datetime.combine(day, datetime.time(16)) + _hours(rng.uniform(0, 0.3)),
                         "Events", campaign))
            if rng.random() < 0.18:
                for _ in range(rng.randint(1, 3)):
                    add((lead, c + _days(rng.uniform(0.5, 60)), "Paid Social", "linkedin-retargeting"))
            if rng.random() < 0.08:
                day = c + _days(rng.uniform(1, 90))
                active = [(n, w) for n, w, first in _CAMPAIGNS["Paid Search"] if first <= day.date()]
                add((lead, day, "Paid Search", _pick(rng, active)))
            if rng.random() < 0.10:
                add((lead, c + _days(rng.uniform(0.5, 45)), "Organic Search", "bi-buyers-guide"))
            if lead.mql and lead.mql - lead.created > datetime.timedelta(hours=12) and rng.random() < 0.6:
                channel, campaign = _pick(rng, [(("Email Marketing", "nurture-sequence"), 3),
                                                (("Organic Search", "pricing-page"), 2),
                                                (("Paid Search", "search-brand"), 1)])
                add((lead, lead.mql - _hours(rng.uniform(0.05, 2)), channel, campaign))
            if (lead.mql and not lead.deals and lead.source != "Paid Social" and rng.random() < 0.04):
                days = [d for d in self.roundtables if d > c.date()]
                if days:
                    add((lead, datetime.datetime.combine(rng.choice(days), datetime.time(8, 40)),
                         BIG_DEAL_CHANNEL, BIG_DEAL_CAMPAIGN))
        for email, at, channel, campaign in [
            ("j.kowalczyk@freightly.io", datetime.datetime(2025, 5, 14, 11, 2, 51), "Events", "spring-webinar-2025"),
            ("sam.oduya@gmail.com", datetime.datetime(2025, 9, 3, 19, 40, 7), "Paid Social", "linkedin-retargeting"),
            ("procurement@harbourpoint.co.uk", datetime.datetime(2025, 12, 2, 9, 15, 0), "Email Marketing",
             "monthly-newsletter"),
            ("m.lindqvist@nordlys.se", datetime.datetime(2026, 3, 19, 8, 55, 12), "Events", BIG_DEAL_CAMPAIGN),
            ("info@oakvale-dental.com", datetime.datetime(2026, 6, 11, 14, 20, 33), "Events", "saas-connect-2026"),
            ("T.Baptiste@Quaylink.com", datetime.datetime(2026, 10, 7, 16, 4, 9), "Events", "fall-webinar-2026"),
        ]:
            add((email, at, channel, campaign))

    def _outbound_touches(self, lead: _Lead, newsletters, webinars):
        """Marketing reaches some prospects that sales found: influence without sourcing."""
        rng = self.rng
        add = self.touches.append
        c = lead.created
        if rng.random() < 0.4:       # the rep adds the prospect to the newsletter list
            for day in newsletters:
                if c.date() < day <= c.date() + datetime.timedelta(days=150) and rng.random() < 0.25:
                    add((lead, _work_time(rng, day, 10, 20), "Email Marketing", "monthly-newsletter"))
        for campaign, day in webinars:
            if c.date() < day and rng.random() < 0.05:
                add((lead, datetime.datetime.combine(day, datetime.time(16)) + _hours(rng.uniform(0, 0.3)),
                     "Events", campaign))
        if rng.random() < 0.15:      # visited the website after the rep's email, then saw an ad
            for _ in range(rng.randint(1, 2)):
                add((lead, c + _days(rng.uniform(2, 60)), "Paid Social", "linkedin-retargeting"))
        if rng.random() < 0.1:
            add((lead, c + _days(rng.uniform(1, 40)), "Organic Search", "pricing-page"))
        if rng.random() < 0.08:
            add((lead, c + _days(rng.uniform(1, 60)), "Paid Search", "search-brand"))
        for deal in lead.deals:      # marketing supports the open deal: after it opened, before it closes
            if deal.kind == "New Business" and rng.random() < 0.35:
                add((lead, deal.created + (deal.close - deal.created) * rng.uniform(0.1, 0.8),
                     "Email Marketing", "customer-stories"))

    # sales activities

    def sales_activities(self):
        rng = self.rng
        add = self.activities.append
        for lead in self.leads:
            if not lead.owner:
                continue
            owner = lead.owner
            if lead.mql and lead.source == "Offline Sources" and lead.mql - lead.created > _days(2) \
                    and rng.random() < 0.5:
                at = lead.created + _hours(rng.uniform(3, 20))
                if at < lead.mql:
                    add((lead, at, "email", owner))     # event follow-up before the lead became an MQL
            if lead.follow_up:
                add((lead, lead.follow_up, _pick(rng, [("call", 6), ("email", 4)]), owner))
                end = lead.sql or lead.disq or min(EXPORT_AT, lead.follow_up + _days(21))
                t = lead.follow_up
                while True:
                    t = _work_time(rng, (t + _days(rng.uniform(1, 4))).date(), 8, 18)
                    if t >= end or t > EXPORT_AT:
                        break
                    add((lead, t, _pick(rng, [("call", 5), ("email", 5)]), owner))
                if lead.sql:
                    add((lead, lead.sql - _hours(rng.uniform(1, 4)), "meeting", owner))
            for deal in lead.deals:
                end = min(deal.close if deal.is_closed else EXPORT_AT, EXPORT_AT)
                t = deal.created
                last = None
                while True:
                    t = _work_time(rng, (t + _days(rng.uniform(3, 10))).date(), 8, 18)
                    if t >= end:
                        break
                    last = t
                    helper = rng.choice(REPS) if rng.random() < 0.03 else deal.owner
                    add((lead, t, _pick(rng, [("meeting", 3), ("call", 4), ("email", 4)]), helper))
                deal.last_activity = last

    def run(self):
        self.create_leads()
        self.outbound_leads()
        self.leads.sort(key=lambda x: x.created)
        for lead in self.leads:
            self.qualify(lead)
        for lead in self.leads:
            self.open_opportunity(lead)
        self.choose_winners(2025)
        self.expansions()
        self.choose_winners(2026)
        self.second_contacts()
        self.deals.sort(key=lambda d: d.created)
        self.leads.sort(key=lambda x: x.created)
        self.marketing_touches()
        self.sales_activities()
        self._parsing_traps()
        self.name_records()
        self._parsing_trap_names()

    def name_records(self):
        rng = self.rng
        rid = 51201
        for lead in self.leads:
            lead.record_id = rid
            rid += rng.randint(1, 40)
        hs_id, used = 9850000101, set()
        for deal in self.deals:
            deal.name = f"{deal.lead.company or deal.lead.first + ' ' + deal.lead.last} - {deal.product}"
            if deal.system == "hubspot":
                deal.record_id = str(hs_id)
                hs_id += rng.randint(1, 400)
                for contact in [deal.lead] + deal.extra_contacts:
                    contact.hs_deal_ids.append(deal.record_id)
            else:
                while True:
                    tail = "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                                   for _ in range(5))
                    if tail not in used:
                        used.add(tail)
                        break
                deal.record_id = _sf_id18("006Hs00000" + tail)

    def _parsing_traps(self):
        """Give a Salesforce account a comma in its name (before names are built)."""
        deal = self._trap_deals()[0]
        lead = deal.lead
        lead.company = "Harris, Cole & Partners LLP"
        self.emails.discard(lead.email)
        lead.email = self._unique_email([f"{_ascii(lead.first)}.{_ascii(lead.last)}"], "harriscole.com")

    def _trap_deals(self):
        sf = [d for d in self.deals if d.system == "salesforce" and d.kind == "New Business"
              and not d.extra_contacts and d.lead.email.split("@")[1] not in _PERSONAL_DOMAINS]
        return sf[3], sf[40], sf[80]

    def _parsing_trap_names(self):
        """Opportunity names with a quoted newline and with inner quotes."""
        _, newline, quotes = self._trap_deals()
        newline.name = f"{newline.lead.company} - {newline.product}\n(EU rollout, phase 2)"
        quotes.name = f'{quotes.lead.company} - "Pilot" {quotes.product}'


# --- writers ----------------------------------------------------------------

def _lifecycle(lead: _Lead, deals: list[_Deal]) -> tuple[str, str]:
    if any(d.is_won for d in deals):
        return "Customer", "Connected"
    if any(not d.is_closed for d in deals):
        return "Opportunity", "Open Deal"
    if deals:
        return "Opportunity", "Bad Timing"
    if lead.disq:
        return "Other", "Unqualified"
    if lead.sql:
        return "Sales Qualified Lead", "Connected"
    if lead.mql:
        return "Marketing Qualified Lead", "In Progress" if lead.follow_up else "New"
    if lead.outbound:
        return "Lead", "Attempted to Contact"
    return "Lead", "New" if EXPORT_AT - lead.created < datetime.timedelta(days=14) else ""


def _write_hubspot_contacts(world: _World, path: pathlib.Path):
    header = ["Record ID", "First Name", "Last Name", "Became a Lead Date",
              "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date", "Company Name",
              "Contact owner", "Create Date", "Disqualification Reason", "Disqualified Date", "Email",
              "Lead Status", "Lifecycle Stage", "Original Source", "Original Source Drill-Down 1",
              "Associated Deal IDs"]
    deals_of: dict[int, list[_Deal]] = {}
    for deal in world.deals:
        for contact in [deal.lead] + deal.extra_contacts:
            deals_of.setdefault(id(contact), []).append(deal)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for lead in sorted(world.leads, key=lambda x: x.record_id):
            stage, status = _lifecycle(lead, deals_of.get(id(lead), []))
            w.writerow([lead.record_id, lead.first, lead.last, _hs_dt(lead.created), _hs_dt(lead.mql),
                        _hs_dt(lead.sql), lead.company, lead.owner, _hs_dt(lead.created), lead.disq_reason,
                        _hs_dt(lead.disq), lead.email, status, stage, lead.source, lead.campaign,
                        ";".join(lead.hs_deal_ids)])


def _write_hubspot_deals(world: _World, path: pathlib.Path):
    header = ["Record ID", "Deal Name", "Last Activity Date", "Deal Stage", "Close Date", "Deal owner", "Amount",
              "Pipeline", "Create Date", "Deal probability", "Associated Contact IDs"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for deal in world.deals:
            if deal.system != "hubspot":
                continue
            if deal.is_closed:
                stage, prob = ("Closed Won", "1") if deal.is_won else ("Closed Lost", "0")
            else:
                stage, p = _HS_STAGES[min(4, int(deal.progress * 5))]
                prob = f"{p:g}"
            ids = ";".join(str(c.record_id) for c in [deal.lead] + deal.extra_contacts)
            w.writerow([deal.record_id, deal.name, _hs_dt(deal.last_activity), stage, _hs_dt(deal.close),
                        deal.owner, _money(deal.amount), "Sales Pipeline", _hs_dt(deal.created), prob, ids])


def _write_salesforce(world: _World, path: pathlib.Path):
    header = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period", "Amount",
              "Probability (%)", "Close Date", "Created Date", "Lead Source", "Type", "Won", "Closed",
              "Opportunity ID", "Email"]
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for n, deal in enumerate(d for d in world.deals if d.system == "salesforce"):
            if deal.is_closed:
                stage, prob = ("Closed Won", 100) if deal.is_won else ("Closed Lost", 0)
            else:
                stage, prob = _SF_STAGES[min(4, int(deal.progress * 5))]
            close = deal.close.date()
            for contact in [deal.lead] + deal.extra_contacts:
                email = contact.email
                if n % 23 == 5:   # typed by hand in Salesforce
                    local, domain = email.split("@")
                    email = local.title() + "@" + domain.capitalize()
                w.writerow([deal.owner, deal.lead.company or f"{deal.lead.first} {deal.lead.last}", deal.name,
                            stage, f"Q{(close.month - 1) // 3 + 1}-{close.year}", _money(deal.amount), prob,
                            _us_date(close), _us_date(deal.created.date()), deal.lead.source, deal.kind,
                            int(deal.is_won), int(deal.is_closed), deal.record_id, email])
                rows += 1
        f.write("\n")
        f.write(f'"Grand Totals ({rows} records)"\n')
        f.write("\n")
        f.write('"Confidential Information - Do Not Distribute"\n')
        f.write('"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def _gnum(x: float, decimals: int) -> str:
    """A Google Ads number: thousands commas (the csv writer quotes them)."""
    return f"{x:,.{decimals}f}"


def _write_google_ads(world: _World, path: pathlib.Path):
    rng = world.rng
    conversions: dict[tuple, int] = {}
    for lead in world.leads:
        if lead.source == "Paid Search":
            key = (lead.campaign, lead.created.date())
            conversions[key] = conversions.get(key, 0) + 1
    # campaign -> (clicks/day at start, at end, CPC low, CPC high, CTR low, CTR high)
    model = {"search-brand": (18, 30, 1.4, 2.8, 0.08, 0.14),
             "search-nonbrand-bi": (24, 50, 4.5, 8.0, 0.025, 0.045),
             "search-competitor": (8, 16, 7.0, 11.0, 0.015, 0.03)}
    first_day = {c: first for c, _, first in _CAMPAIGNS["Paid Search"]}
    trade_shows = [d for c, d, _ in _EVENTS if "webinar" not in c]
    span = (DEMO_END - DEMO_START).days
    rows, totals = [], [0.0, 0, 0, 0]
    day = DEMO_START
    while day <= DEMO_END:
        t = (day - DEMO_START).days / span
        for campaign in GOOGLE_ADS_CAMPAIGNS:
            if day < first_day[campaign]:
                continue
            c0, c1, cpc_lo, cpc_hi, ctr_lo, ctr_hi = model[campaign]
            lam = (c0 + (c1 - c0) * t) * (0.5 if day.weekday() >= 5 else 1.0)
            push = 1.0
            if campaign == "search-nonbrand-bi" and any(abs((day - d).days) <= 1 for d in trade_shows):
                push = 1.6       # trade-show push: 3.5x the clicks at 1.6x the bid (days over 1,000 USD)
                lam *= 3.5
            conv = conversions.get((campaign, day), 0)
            clicks = max(_poisson(rng, lam), conv)
            impr = max(clicks, round(max(clicks, lam) / rng.uniform(ctr_lo, ctr_hi)))
            cost = round(clicks * rng.uniform(cpc_lo, cpc_hi) * push, 2)
            rows.append([campaign, day.isoformat(), "USD", _gnum(cost, 2), _gnum(clicks, 0), _gnum(impr, 0),
                         f"{100 * clicks / impr:.2f}%", _gnum(cost / clicks, 2) if clicks else "--",
                         _gnum(conv, 2)])
            totals[0] += cost
            totals[1] += clicks
            totals[2] += impr
            totals[3] += conv
        day += datetime.timedelta(days=1)
    cost, clicks, impr, conv = round(totals[0], 2), totals[1], totals[2], totals[3]
    total = ["USD", _gnum(cost, 2), _gnum(clicks, 0), _gnum(impr, 0), f"{100 * clicks / impr:.2f}%",
             _gnum(cost / clicks, 2), _gnum(conv, 2)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("Campaign report\n")
        f.write(f'"{_MONTHS[DEMO_START.month - 1]} {DEMO_START.day}, {DEMO_START.year} - '
                f'{_MONTHS[DEMO_END.month - 1]} {DEMO_END.day}, {DEMO_END.year}"\n')
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Campaign", "Day", "Currency code", "Cost", "Clicks", "Impr.", "CTR", "Avg. CPC",
                    "Conversions"])
        w.writerows(rows)
        w.writerow(["Total: Account", "--"] + total)
        w.writerow(["Total: Search", "--"] + total)
        w.writerow(["Total: Display", "--", "USD", "0.00", "0", "0", "--", "--", "0.00"])
        w.writerow(["Total: Campaigns", "--"] + total)


def _paid_social_leads(world: _World) -> dict[tuple, int]:
    """(campaign, day) -> Paid Social leads created: what the ad platforms report as leads."""
    out: dict[tuple, int] = {}
    for lead in world.leads:
        if lead.source == POOR_QUALITY_CHANNEL:
            key = (lead.campaign, lead.created.date())
            out[key] = out.get(key, 0) + 1
    return out


# campaign -> (daily budget at start, at end, CPC low, CPC high, CTR low, CTR high, first day)
_SOCIAL_MODEL = {
    "linkedin-lead-gen": (300.0, 1400.0, 7.5, 12.5, 0.004, 0.007, DEMO_START),
    "linkedin-retargeting": (70.0, 210.0, 5.0, 9.0, 0.006, 0.011, DEMO_START),
    "meta-ebook-ads": (240.0, 640.0, 0.9, 2.2, 0.008, 0.016, datetime.date(2025, 9, 1)),
}
_LINKEDIN_IDS = {"linkedin-lead-gen": ("Lead generation", "248193017"),
                 "linkedin-retargeting": ("Website retargeting", "248193544")}


def _social_day(rng: random.Random, campaign: str, day: datetime.date, leads: int):
    """(cost, clicks, impressions) of one campaign on one day: it spends about its daily budget."""
    b0, b1, cpc_lo, cpc_hi, ctr_lo, ctr_hi, _ = _SOCIAL_MODEL[campaign]
    t = (day - DEMO_START).days / (DEMO_END - DEMO_START).days
    cost = round((b0 + (b1 - b0) * t) * (0.6 if day.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.12), 2)
    clicks = max(leads, round(cost / rng.uniform(cpc_lo, cpc_hi)))
    impressions = max(clicks, round(clicks / rng.uniform(ctr_lo, ctr_hi)))
    return cost, clicks, impressions


def _write_linkedin(world: _World, path: pathlib.Path, rng: random.Random):
    """LinkedIn Campaign Manager: UTF-16 with BOM, tab-separated, a report block above the header."""
    leads = _paid_social_leads(world)
    header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name", "Campaign ID",
              "Campaign Type", "Campaign Status", "Currency", "Total Spent", "Impressions", "Clicks",
              "Click Through Rate", "Average CPM", "Average CPC", "Leads"]
    lines = ["Campaign Performance Report (in UTC)",
             f"Report Start: {_us_date(DEMO_START)}, 12:00:00 AM",
             f"Report End: {_us_date(DEMO_END)}, 11:59:59 PM",
             f"Date Generated: {_us_date(EXPORT_AT.date())}, 6:00:00 PM",
             f"Account: {COMPANY} (508734219)",
             "\t".join(header)]
    day = DEMO_START
    while day <= DEMO_END:
        for campaign in LINKEDIN_CAMPAIGNS:
            n = leads.get((campaign, day), 0)
            cost, clicks, impr = _social_day(rng, campaign, day, n)
            group, cid = _LINKEDIN_IDS[campaign]
            lines.append("\t".join([
                _us_date(day), COMPANY, group, campaign, cid, "Sponsored Content", "Active", "USD",
                f"{cost:.2f}", str(impr), str(clicks), f"{clicks / impr:.4f}", f"{1000 * cost / impr:.2f}",
                f"{cost / clicks:.2f}", str(n)]))
        day += datetime.timedelta(days=1)
    with open(path, "wb") as f:
        f.write(codecs.BOM_UTF16_LE + "".join(line + "\r\n" for line in lines).encode("utf-16-le"))


def _write_meta(world: _World, path: pathlib.Path, rng: random.Random):
    """Meta Ads Manager: every cell quoted, currency in the header, the account total first."""
    leads = _paid_social_leads(world)
    header = ["Reporting starts", "Reporting ends", "Campaign name", "Campaign delivery", "Results",
              "Result indicator", "Reach", "Impressions", "Cost per results", "Amount spent (USD)",
              "Link clicks", "Ends"]
    first = _SOCIAL_MODEL["meta-ebook-ads"][6]
    rows, total = [], [0.0, 0, 0, 0, 0]
    day = first
    while day <= DEMO_END:
        for campaign in META_CAMPAIGNS:
            n = leads.get((campaign, day), 0)
            cost, clicks, impr = _social_day(rng, campaign, day, n)
            reach = round(impr / rng.uniform(1.2, 1.6))
            rows.append([day.isoformat(), day.isoformat(), campaign, "active",
                         str(n), "actions:onsite_conversion.lead_grouped", str(reach), str(impr),
                         f"{cost / n:.2f}" if n else "", f"{cost:.2f}", str(clicks), "Ongoing"])
            total = [total[0] + cost, total[1] + n, total[2] + reach, total[3] + impr, total[4] + clicks]
        day += datetime.timedelta(days=1)
    cost, n, reach, impr, clicks = round(total[0], 2), total[1], total[2], total[3], total[4]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        w.writerow([first.isoformat(), DEMO_END.isoformat(), "", "", str(n), "", str(reach), str(impr),
                    f"{cost / n:.2f}", f"{cost:.2f}", str(clicks), ""])
        w.writerows(rows)


def _write_touches(world: _World, path: pathlib.Path):
    rows = []
    for who, at, channel, campaign in world.touches:
        if at > EXPORT_AT:
            continue
        if isinstance(who, _Lead):
            if at <= who.created and not (channel == "Events" and at > who.created - datetime.timedelta(days=2)):
                continue     # only an event attendance comes before the contact (imported the day after)
            email = who.email
            if who.record_id % 97 == 3:   # typed with capitals in a spreadsheet
                email = email[0].upper() + email[1:]
        else:
            email = who
        rows.append((_iso(at), channel, campaign, email))
    rows.sort()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["email", "touched_at", "channel", "campaign"])
        seen = set()
        for at, channel, campaign, email in rows:
            if (at, channel, campaign, email) not in seen:
                seen.add((at, channel, campaign, email))
                w.writerow([email, at, channel, campaign])


def _write_activities(world: _World, path: pathlib.Path):
    rows = sorted((_iso(at), lead.email, kind, owner) for lead, at, kind, owner in world.activities
                  if at <= EXPORT_AT)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["email", "at", "type", "owner"])
        for at, email, kind, owner in rows:
            w.writerow([email, at, kind, owner])


def write_demo_exports(out_dir: pathlib.Path, seed: int = 7) -> list[pathlib.Path]:
    """Write the demo company's exports into out_dir and return the file paths in the order they must be imported."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = _World(random.Random(seed))
    world.run()
    paths = [out_dir / name for name in FILE_NAMES]
    _write_hubspot_contacts(world, paths[0])
    _write_hubspot_deals(world, paths[1])
    _write_salesforce(world, paths[2])
    _write_google_ads(world, paths[3])
    spend_rng = random.Random(seed * 7919 + 1)    # own stream: ad spend does not move the funnel
    _write_linkedin(world, paths[4], spend_rng)
    _write_meta(world, paths[5], spend_rng)
    _write_touches(world, paths[6])
    _write_activities(world, paths[7])
    return paths
