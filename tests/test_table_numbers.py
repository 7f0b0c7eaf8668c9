"""ui.numbers: a table's numbers formatted by the browser (the column's format), not by a pandas Styler."""

import pandas as pd
import streamlit as st

from onefunnel import ui


def test_numbers_rounds_for_people_and_keeps_each_columns_label_help_and_pinning():
    df = pd.DataFrame({"channel": ["Email", "=cmd"], "credit": [1234.5, None], "share": [0.43751, 0.5],
                       "roi": [1.875, None], "deals": [3, 4]})
    shown, config = ui.numbers(df, {"credit": "money", "share": "pct", "roi": "ratio", "deals": "int",
                                    "absent": "money"},
                               {"channel": st.column_config.TextColumn("Channel", pinned=True),
                                "credit": st.column_config.NumberColumn("Credit", help="Linear credit."),
                                "roi": "ROI"})
    # money to whole dollars (1234.5 rounds half to even: 1234), rates to a tenth of a percent
    assert shown["credit"].iloc[0] == 1234 and pd.isna(shown["credit"].iloc[1])
    assert shown["share"].tolist() == [0.438, 0.5]
    assert shown["roi"].iloc[0] == 1.875                                    # the browser shows "1.9×"
    assert df["credit"].iloc[0] == 1234.5                                   # the caller's frame is untouched
    assert config["credit"]["label"] == "Credit" and config["credit"]["help"] == "Linear credit."
    assert config["credit"]["type_config"] == {"type": "number", "format": "dollar"}
    assert config["share"]["type_config"]["format"] == "percent"
    assert config["roi"] == {"label": "ROI", "type_config": {"type": "number", "format": "%.1f×"}}
    assert config["deals"]["type_config"]["format"] == "localized"
    assert config["channel"]["pinned"] is True and "absent" not in config
