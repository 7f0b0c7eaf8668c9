"""Serve the app: `streamlit run app.py`, with Streamlit's legacy pages/ discovery turned off.

app.py declares every page with st.navigation. Streamlit only learns that when app.py first
runs; until then a process that sees a pages/ folder runs a deep link such as
/funnel?period=last_quarter as a bare page script, dropping the navigation and the URL
parameters. Setting the flag before the server starts makes the first link behave like
every later one. Usage: python -m onefunnel.serve [streamlit run options]
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from onefunnel import ROOT


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
