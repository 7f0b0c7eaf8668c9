"""onefunnel.safe: hostile imported text stays literal text in Markdown, in Plotly labels and in a spreadsheet
(issue 15 section 3). Expected strings are written out by hand."""

import csv
import io
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from onefunnel import safe

HOSTILE = ["[t](https://x)", "![x](https://x)", ":red[x]", "$x^2$", "<img src=x onerror=alert(1)>",
           '=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "\r=1+1"]


def unescape(md_text: str) -> str:
    return re.sub(r"\\(.)", r"\1", md_text).replace(safe.ZWSP, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escapes_every_markdown_character_and_reads_back_as_the_text(text):
    out = safe.md(text)
    # every ASCII punctuation character is preceded by a backslash: no link, image, colour, KaTeX or tag can open
    assert not re.search(r"(?<!\\)[!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~]", out.replace("\\\\", "")), out
    assert unescape(out) == " ".join(text.split())        # CommonMark reads it back as the text itself


def test_md_examples_by_hand():
    # a zero-width space after the scheme: GFM would link the bare URL left once the escapes are read
    assert safe.md("[t](https://x)") == "\\[t\\]\\(https\u200b\\:\\/\\/x\\)"
    assert safe.md("![x](https://x)") == "\\!\\[x\\]\\(https\u200b\\:\\/\\/x\\)"
    assert safe.md("www.x.com ann@x.com") == "www\u200b\\.x\\.com ann\\@x\\.com"
    assert safe.md(":red[x]") == r"\:red\[x\]"
    assert safe.md("$x^2$") == r"\$x\^2\$"
    assert safe.md("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"
    assert safe.md("# title\n- item") == r"\# title \- item"      # a line break cannot start a block
    assert safe.md("Dana Reyes") == "Dana Reyes"
    assert safe.md(None) == ""
    assert safe.md(12.5) == r"12\.5"


def test_plot_text_turns_plotly_html_into_entities():
    assert safe.plot_text("<a href='https://x'>t</a>") == "&lt;a href='https://x'&gt;t&lt;/a&gt;"
    assert safe.plot_text("AT&T <br>") == "AT&amp;T &lt;br&gt;"
    assert safe.plot_text("two\nlines") == "two lines"
    assert safe.plot_text("Paid Search") == "Paid Search"


def test_figure_escapes_the_data_texts_of_traces_and_category_orders_but_not_the_builders_templates():
    fig = go.Figure(go.Bar(y=["<a href='https://x'>t</a>", "Email"], x=[3, 1], name="<img src=x>",
                           customdata=[["<b>1</b>"], ["2"]], hovertemplate="%{y}<br>%{customdata[0]}"))
    fig.update_yaxes(categoryorder="array", categoryarray=["<a href='https://x'>t</a>", "Email"])
    safe.figure(fig)
    assert list(fig.data[0].y) == ["&lt;a href='https://x'&gt;t&lt;/a&gt;", "Email"]
    assert list(fig.layout.yaxis.categoryarray) == ["&lt;a href='https://x'&gt;t&lt;/a&gt;", "Email"]
    assert fig.data[0].name == "&lt;img src=x&gt;"
    assert [list(r) for r in fig.data[0].customdata] == [["&lt;b&gt;1&lt;/b&gt;"], ["2"]]
    assert fig.data[0].hovertemplate == "%{y}<br>%{customdata[0]}"
    assert list(fig.data[0].x) == [3, 1]


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("\tTab", "'\tTab"),
    ("\r=1+1", "' =1+1"),             # the carriage-return case: prefixed, and the CR can no longer end a row
    ("\n=1+1", "' =1+1"),
    ("ok\r\n=1+1", "ok =1+1"),         # a line break inside: a space
    ("-$1,200", "-$1,200"),            # a number as people read it stays a number
    ("-12%", "-12%"),
    ("@acme.test", "@acme.test"),      # an allow-list domain: nothing a spreadsheet can run
    ("@A1+1", "'@A1+1"),
    ("Dana Reyes", "Dana Reyes"),
    (-3.5, -3.5),
    (None, None),
])
def test_cell_safe(value, expected):
    assert safe.cell_safe(value) == expected


def test_a_carriage_return_value_cannot_start_a_row_of_its_own_in_the_csv():
    df = safe.excel_safe(pd.DataFrame({"campaign": ["\r=1+1", "x\r@SUM(A1)"], "n": [1, 2]}))
    text = df.to_csv(index=False, lineterminator="\r\n")
    # a reader that splits on every CR or LF, even inside quotes (the careless case), sees no line starting a formula
    assert [line for line in re.split(r"[\r\n]+", text) if line.startswith(("=", "+", "-", "@"))] == []
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["campaign", "n"], ["' =1+1", "1"], ["x @SUM(A1)", "2"]]


def test_excel_safe_headers_only_when_asked():
    df = pd.DataFrame({"=pivot": ["=1"]})
    assert list(safe.excel_safe(df).columns) == ["'=pivot"]
    assert list(safe.excel_safe(df, headers=False).columns) == ["=pivot"]
    assert safe.excel_safe(df, headers=False)["=pivot"].tolist() == ["'=1"]


def test_ui_table_passes_the_placeholder_and_safe_cells_for_frames_and_stylers(monkeypatch):
    from onefunnel import ui

    seen = []
    monkeypatch.setattr(ui.st, "dataframe", lambda data, **kw: seen.append((data, kw)))
    df = pd.DataFrame({"campaign": ["=HYPERLINK(\"http://x\")", "Brand"], "amount": [-5.0, None]})
    ui.table(df, hide_index=True)
    ui.table(df.style.format({"amount": ui.fmt_money}, na_rep="–"), key="styled")   # as the Ownership page's colours
    (plain, kw1), (styled, kw2) = seen
    assert kw1 == {"hide_index": True, "placeholder": "–"} and kw2 == {"key": "styled", "placeholder": "–"}
    assert plain["campaign"].tolist() == ["'=HYPERLINK(\"http://x\")", "Brand"]
    assert styled.data["campaign"].tolist() == ["'=HYPERLINK(\"http://x\")", "Brand"]
    assert "-$5" in styled.to_html() and "–" in styled.to_html()        # the Styler keeps its formats
    assert df["campaign"][0].startswith("=")                              # the page's frame is not changed


def test_line_break_check_finds_every_break_in_arrow_text():
    """The vectorised check (pyarrow's regex on Arrow text) finds each line break cell_safe replaces."""
    import pandas as pd

    breaks = ["\r", "\n", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029"]
    col = pd.Series([f"a{b}b" for b in breaks] + ["plain"], dtype="str")
    out = safe.excel_safe(pd.DataFrame({"t": col}))["t"].tolist()
    assert out == ["a b"] * len(breaks) + ["plain"]


def test_excel_safe_changes_only_a_copy_and_returns_a_clean_frame_itself():
    """A frame with nothing to escape is returned as it is (every page run draws its tables); otherwise the
    caller's frame is left untouched and a copy is escaped: a formula start anywhere in a column, or a break."""
    import pandas as pd

    for dtype in (object, "str"):
        clean = pd.DataFrame({"owner": ["Dana", "a-b", "x=1"], "n": [1, 2, 3]}).astype({"owner": dtype})
        assert safe.excel_safe(clean) is clean
        dirty = pd.DataFrame({"owner": ["Dana", "-cmd", "ok"], "note": ["fine", "two\nlines", None]}).astype(dtype)
        out = safe.excel_safe(dirty)
        assert out is not dirty and dirty["owner"].tolist() == ["Dana", "-cmd", "ok"]
        assert out["owner"].tolist() == ["Dana", "'-cmd", "ok"] and out["note"].tolist()[:2] == ["fine", "two lines"]


def test_a_figure_escaped_once_is_not_escaped_again():
    """A shared figure (charts_review.shared_trend_figure) is drawn by many runs: the second pass through
    safe.figure must leave "&lt;" as it is, not make it "&amp;lt;"."""
    fig = go.Figure(go.Bar(x=["<b>A&B</b>"], y=[1]))
    once = safe.figure(fig).data[0].x[0]
    assert once == "&lt;b&gt;A&amp;B&lt;/b&gt;"
    assert safe.figure(fig).data[0].x[0] == once


def test_a_shared_figure_is_built_once_for_the_same_inputs():
    """charts.shared_figure (ui.chart) builds a figure once per builder and exact inputs: equal inputs give the
    same figure, as the builder draws it; a changed value or argument builds another."""
    import datetime as dt

    from onefunnel import charts
    from onefunnel.charts_review import trend_figure

    s = {"weeks": [dt.date(2026, 1, 5) + dt.timedelta(days=7 * i) for i in range(6)],
         "months": [dt.date(2025, m, 1) for m in range(1, 13)], "w": [1, 2, 3, 4, 5, 6], "w_ly": [None] * 6,
         "m": [3.5] * 12, "m_ly": [4] * 12}
    shared = charts.shared_figure(trend_figure, "won_revenue", s, 900, 300)
    assert shared.to_json() == trend_figure("won_revenue", s, 900, 300).to_json()
    assert charts.shared_figure(trend_figure, "won_revenue", dict(s), 900, 300) is shared
    assert charts.shared_figure(trend_figure, "won_revenue", {**s, "w": [1, 2, 3, 4, 5, 7]}, 900, 300) is not shared
    assert charts.shared_figure(trend_figure, "won_revenue", s, 900, 301) is not shared
    df = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    built = []
    build = lambda d, top=5: built.append(1) or go.Figure(go.Bar(x=d["x"], y=d["y"]))
    charts.shared_figure(build, df, top=3)
    charts.shared_figure(build, df.copy(), top=3)
    charts.shared_figure(build, df.assign(y=[1.0, 2.5]), top=3)
    charts.shared_figure(build, df, top=4)
    assert len(built) == 3
