"""Shared test set-up: CI turns skips into failures; helpers to build databases from files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a browser test skipped for a missing Chromium hides a broken page."""
    if os.environ.get("CI") == "true" and _skipped:
        print("\nCI: these tests were skipped, which CI counts as failure:\n  " + "\n  ".join(_skipped))
        session.exitstatus = 1


def run_cli(*args, check=True, env=None):
    """Run `python -m onefunnel ...` from the repo root; returns the CompletedProcess."""
    proc = subprocess.run([sys.executable, "-m", "onefunnel", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"onefunnel {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def con(tmp_path):
    """A fresh, migrated database connection."""
    from onefunnel.db import connect

    c = connect(tmp_path / "test.duckdb")
    yield c
    c.close()


def load_files(db, *paths, goals: dict | None = None, settings: dict | None = None):
    """Import files (in order) into the database at `db` in-process, set goals/settings, close it."""
    from onefunnel.db import connect, set_goal, set_setting
    from onefunnel.ingest import ingest_file

    c = connect(db)
    try:
        results = [ingest_file(c, p, who="test") for p in paths]
        for month, amount in (goals or {}).items():
            set_goal(c, month, amount, who="test")
        for key, value in (settings or {}).items():
            set_setting(c, key, value, who="test")
    finally:
        c.close()
    return results


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """An empty database for AppTest runs, a pinned 'today', and fresh Streamlit caches.

    Load data with load_files(app_env, ...) before creating the AppTest (the app holds the
    file open while it runs)."""
    import streamlit as st

    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("ONEFUNNEL_DB", str(db))
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-09-30")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db
    st.cache_resource.clear()
    st.cache_data.clear()


def shown(markdown_source: str) -> str:
    """The text a reader sees of Markdown source that escapes data with onefunnel.safe.md (backslash escapes
    of ASCII punctuation and zero-width spaces removed): AppTest reports the source."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown_source).replace("\u200b", "")
