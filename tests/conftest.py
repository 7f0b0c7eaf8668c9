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
