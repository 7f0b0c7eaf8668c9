"""Colours a reader can tell apart (issue 11, also-check): categories never get near-identical colours, and a
zero bar carries no floating label."""
import itertools

import pandas as pd

from onefunnel import charts, charts_credit, charts_teams


def _lab(hex_color: str):
    """CIE L*a*b* (D65) of an sRGB colour, the textbook formulas."""
    rgb = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


MIN_DELTA_E = 30    # CIE76 (a just-noticeable difference is ~2.3); the old palettes had pairs 25 apart


def _assert_apart(colors):
    for a, b in itertools.combinations(colors, 2):
        assert delta_e(a, b) >= MIN_DELTA_E, (a, b, round(delta_e(a, b), 1))


def test_palettes_keep_every_pair_apart():
    _assert_apart(charts.CATEGORICAL)
    _assert_apart(list(charts_credit.MODEL_COLORS.values()))
    _assert_apart(list(charts.TEAM_COLORS.values()))


def test_the_old_palettes_would_fail():
    assert delta_e("#2b8a3e", "#5c940d") < MIN_DELTA_E                 # the two greens of credit by month
    assert delta_e("#c92a2a", "#d35f5f") < MIN_DELTA_E                 # two shades of the rejection red


def test_seven_rejection_reasons_get_seven_distinct_colours():
    reasons = ["Student", "No budget", "Competitor", "Spam", "Wrong region", "Duplicate", "Other"]
    df = pd.DataFrame([{"label": "Paid Social", "reason": r, "rejected": 7 - i} for i, r in enumerate(reasons)])
    fig = charts_teams.rejection_reasons_chart(df)
    _assert_apart([t.marker.color for t in fig.data])


def test_credit_by_month_channels_get_distinct_colours():
    channels = ["Paid Search", "Paid Social", "Email", "Webinar", "Organic", "Events", "Partners"]
    df = pd.DataFrame([{"month": "2026-07-01", "channel": c, "credit": 1000.0 * (i + 1)}
                       for i, c in enumerate(channels)])
    _, spec = charts_credit.credit_by_month_chart(df, "linear")
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == channels[::-1]          # the largest channel first
    _assert_apart(scale["range"])


def test_a_zero_rate_has_no_floating_label():
    df = pd.DataFrame([{"label": "Paid Search", "mqls": 4, "accepted_rate": 0.5, "rejected_rate": 0.0,
                        "won_rate": 0.0}])
    fig = charts_teams.lead_quality_chart(df)
    texts = {t.name: list(t.text) for t in fig.data}
    assert texts == {"Accepted (SQL)": ["50%"], "Rejected": [""], "Won": [""]}


def test_small_friction_counts_get_whole_ticks():
    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2026-07-06", "2026-07-13"]), "sla_breaches": [0, 1],
                          "stalled_opps": [1, 1], "rejected_mqls": [0, 0]})
    small = charts_teams.friction_weekly_chart(weeks)
    assert (small.layout.yaxis.dtick, small.layout.yaxis.tickformat) == (1, ",d")   # no 0.2, 0.4 ... ticks
    large = charts_teams.friction_weekly_chart(weeks.assign(stalled_opps=[500, 530]))
    assert large.layout.yaxis.dtick is None
