"""Downloads are safe to open in Excel: no cell is run as a formula (OWASP CSV injection)."""

import csv
import io

import pandas as pd

from onefunnel.safe import excel_safe
from onefunnel.ui import to_csv_bytes


def test_text_cells_that_excel_would_run_are_prefixed_and_numbers_are_left_alone():
    df = pd.DataFrame({
        "campaign": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "spring-webinar",
                     "<img src=x onerror=alert(1)>"],
        "amount": [-120.5, 3.0, -1.0, 0.0, 5.0, 6.0, 7.0, 8.0],
    })
    safe = excel_safe(df)
    assert safe["campaign"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab",
                                         "' CR", "spring-webinar", "<img src=x onerror=alert(1)>"]
    assert safe["amount"].tolist() == [-120.5, 3.0, -1.0, 0.0, 5.0, 6.0, 7.0, 8.0]   # real numbers untouched
    assert df["campaign"][0].startswith("=")                                        # the input is not changed


def test_csv_bytes_carry_a_bom_for_excel_and_the_escaped_cells():
    data = to_csv_bytes(pd.DataFrame({"owner": ["=cmd|'/c calc'!A0", "Dana Reyes"], "won": [1, 2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["owner", "won"], ["'=cmd|'/c calc'!A0", "1"], ["Dana Reyes", "2"]]


def test_a_long_table_shows_its_first_rows_and_the_download_has_all():
    """ui.table draws the first TABLE_ROWS rows with a caption giving the total; download_csv beside it says it
    has every row, and its file does."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import streamlit as st
        from onefunnel import ui

        ui.TABLE_ROWS = 20
        df = pd.DataFrame({"n": range(1, 26), "name": [f"=x{i}" for i in range(1, 26)]})
        ui.table(df, rows=ui.TABLE_ROWS)
        ui.download_csv(df, "all.csv", key="dl")
        st.session_state["csv"] = ui.to_csv_bytes(df)
        ui.table(df.head(5), rows=ui.TABLE_ROWS)

    at = AppTest.from_function(script).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == 20 and shown["n"].tolist() == list(range(1, 21)) and shown["name"].iloc[0] == "'=x1"
    assert [c.value for c in at.caption] == ["Showing the first 20 of 25 rows, in the order above."]
    assert len(at.dataframe[1].value) == 5
    assert len(at.session_state["csv"].decode("utf-8-sig").splitlines()) == 26
    assert "Download all 25 rows (CSV)" in str(at.get("download_button")[0].proto)


def test_a_page_run_does_not_write_the_csv_nobody_downloaded():
    """download_csv hands Streamlit a callable (the file is written on the click), so a page run never pays for
    the CSV; the button still names every row and is disabled for an empty table."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import streamlit as st
        from onefunnel import ui

        st.session_state["written"] = 0
        real = ui.to_csv_bytes

        def counting(df):
            st.session_state["written"] += 1
            return real(df)

        ui.to_csv_bytes = counting
        try:
            ui.download_csv(pd.DataFrame({"n": [1, 2]}), "two.csv", key="two")
            ui.download_csv(pd.DataFrame({"n": []}), "none.csv", key="none")
        finally:
            ui.to_csv_bytes = real

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.session_state["written"] == 0
    buttons = at.get("download_button")
    assert [b.proto.disabled for b in buttons] == [False, True]
