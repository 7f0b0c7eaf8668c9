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
