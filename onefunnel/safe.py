"""Text that leaves the app is shown as text and never run: imported values, file names and user text
inside Streamlit Markdown (md), inside Plotly labels (plot_text, figure), and in cells of a CSV or a
table's own download that a spreadsheet opens (cell_safe, excel_safe).

Streamlit renders Markdown almost everywhere (markdown, captions, alerts, titles, labels, help=, metric
labels, expanders, toasts): links, images, `:red[...]` colours, `:material/...:` icons, KaTeX `$...$` and
raw HTML (shown escaped, but still parsed). Plotly renders a subset of HTML in every label (<a href>,
<b>, <br>). A spreadsheet runs a cell that starts with = + - @ tab or CR as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import re
import string

import pandas as pd
import pyarrow.compute as pc

_PUNCT = frozenset(string.punctuation)      # CommonMark: any ASCII punctuation may be backslash-escaped


# GFM turns a bare URL in text into a link after escapes are read (`https\:\/\/x` is still linked): a
# zero-width space after the scheme and after "www" keeps the text from matching. E-mail addresses are left
# whole (they become mailto: links, which fetch nothing; an address people copy must stay an address).
_AUTOLINK = re.compile(r"(?i)(?<![^\W_])(https?|ftp|xmpp)(?=:)|(?<![^\W_])(www)(?=\.)")
ZWSP = "\u200b"


def md(text) -> str:
    """`text` as literal text inside Markdown: every ASCII punctuation character backslash-escaped (so no
    link, image, HTML tag, entity, colour, icon, emoji shortcode, KaTeX, heading, list or table starts), a
    zero-width space where GFM would autolink a bare URL, and runs of white space, line
    breaks included, shown as one space (a line break could start a block)."""
    flat = " ".join(("" if text is None else str(text)).split())
    flat = _AUTOLINK.sub(lambda m: m.group(0) + ZWSP, flat)
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in flat)


def plot_text(text) -> str:
    """`text` as literal text in a Plotly label, hover or annotation: & < > as entities (Plotly reads its
    own small HTML: <a href>, <b>, <br>, <span style>), line breaks as spaces."""
    flat = " ".join(("" if text is None else str(text)).split()) if isinstance(text, str) or text is None else str(text)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# trace fields that carry data shown as text (ticks, bars' text, hovers, legend entries, pie/sankey labels)
_TRACE_FIELDS = ("x", "y", "z", "text", "hovertext", "customdata", "labels", "ids", "name", "parents")


def _escape_values(v):
    if isinstance(v, str):
        return plot_text(v)
    if isinstance(v, (list, tuple)):
        return type(v)(_escape_values(x) for x in v)
    if hasattr(v, "dtype") and hasattr(v, "tolist") and getattr(v.dtype, "kind", "") in "OUS":
        return [_escape_values(x) for x in v.tolist()]
    return v


def figure(fig):
    """The Plotly figure with every data text of its traces (axis categories, text, hover text, custom data,
    legend names, labels) and the category orders / tick texts of its axes passed through plot_text. Titles
    and annotations are the chart builder's own words: it escapes data it puts there with plot_text. A figure
    already passed through is returned as it is (escaping twice would show "&amp;amp;")."""
    if getattr(fig, "_onefunnel_safe", False):
        return fig
    for trace in fig.data:
        for f in _TRACE_FIELDS:
            if f in trace and trace[f] is not None:
                trace[f] = _escape_values(trace[f])
        if trace.type == "sankey":
            for part in ("node", "link"):
                if trace[part]["label"] is not None:
                    trace[part]["label"] = _escape_values(trace[part]["label"])
    for key in fig.layout:
        if key.startswith(("xaxis", "yaxis")) and fig.layout[key] is not None:
            axis = fig.layout[key]
            for f in ("categoryarray", "ticktext"):
                if axis[f] is not None:
                    axis[f] = _escape_values(axis[f])
    fig._onefunnel_safe = True
    return fig


# ---- cells that leave the app in a CSV or a table's download ----------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NEEDS_QUOTE = r"[=+\-@\t\r\n]"
# the same line breaks as one character class of the characters themselves: pyarrow's regex engine runs it on
# Arrow text columns (0.01 s per 100k cells) where the escaped form falls back to Python (0.04 s)
_ANY_BREAK = "[\r\n\x0b\x0c\x85\u2028\u2029]"
_NEEDS_SAFE = f"{_ANY_BREAK}|^{_NEEDS_QUOTE}"   # a cell cell_safe may change: a line break, or a formula's start
# a number as people read it ("-$1,200", "+3.5 pts", "-12%", "-0.4"): a spreadsheet reads it as a number, not a
# formula, so it is left alone
_PLAIN_NUMBER = re.compile(r"[-+] ?[$€£]? ?\d[\d,. ]*(%| pts| d| h|×|[kKMB])?")
# an allow-list domain or a handle ("@acme.test", "@dana"): no call, no DDE, no operator a spreadsheet could run
_PLAIN_HANDLE = re.compile(r"@[\w.-]+")


def cell_safe(value):
    """A cell as a spreadsheet must read it: text whose first character would start a formula (= + - @ tab CR
    LF, OWASP) gets a leading ', and every line break inside becomes a space, so no reader (one that splits
    rows on a bare CR included) can start a new row inside the cell. Numbers, dates and text that is a plain
    signed number ("-$1,200", "-12%") or a plain handle ("@acme.test") are returned unchanged."""
    if not isinstance(value, str):
        return value
    text = _LINE_BREAKS.sub(" ", value)
    if value.startswith(_FORMULA_START) and not (_PLAIN_NUMBER.fullmatch(value) or _PLAIN_HANDLE.fullmatch(value)):
        return "'" + text
    return text


def _needs_safe(col: pd.Series):
    """The cells of a text column that cell_safe may change, as a boolean array, or None when there are none. An
    Arrow text column (pandas' default) is checked by Arrow's regex engine in one call; pandas' string accessor
    cost 0.5 ms a column, most of a page run's time in excel_safe."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        hits = pc.fill_null(pc.match_substring_regex(col.array.__arrow_array__(), _NEEDS_SAFE), False)
        return hits.to_numpy(zero_copy_only=False) if pc.any(hits).as_py() else None
    try:
        text = col.str
    except AttributeError:        # no text in the column (dates, lists, ...)
        return None
    needs = text.contains(_NEEDS_SAFE, regex=True, na=False)
    return needs.to_numpy(dtype=bool) if needs.any() else None


def excel_safe(df: pd.DataFrame, headers: bool = True) -> pd.DataFrame:
    """The frame with cell_safe applied to every text cell (numbers left alone), and with `headers` to the
    column names too (a pivot's columns are data values). A copy when anything changes; the frame itself when
    nothing needs it (most tables: every page run draws them, so this check is kept to one pass a column)."""
    out = df
    for i, (_, col) in enumerate(df.items()):
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            needs = _needs_safe(col)   # only those cells go through cell_safe (100k rows: 0.05 s, not 1 s)
            if needs is not None:
                if out is df:
                    out = df.copy()
                out.iloc[needs, i] = out.iloc[needs, i].map(cell_safe)
    if headers and not isinstance(df.columns, pd.MultiIndex):
        names = [cell_safe(c) for c in df.columns]
        if names != list(df.columns):
            out = out.copy() if out is df else out
            out.columns = names
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as a download: formula-safe cells (excel_safe), UTF-8 with a BOM so Excel reads accents right.
    (ui.download_csv calls it when the button is clicked, never in a page run.)"""
    return excel_safe(df).to_csv(index=False).encode("utf-8-sig")
