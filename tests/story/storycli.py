"""Helpers shared by the story tests: drive the real CLI and compare JSON values.

Every story test builds its own database file under pytest's ``tmp_path`` and talks
to the program only through ``python -m onefunnel`` (ingest / goal / metrics --json).

Comparison rules (see the task brief and METRICS.md "CLI JSON"):
- counts: exact equality;
- rates, hours, days: ``pytest.approx(rel=1e-9)``;
- money: ``pytest.approx(rel=1e-9, abs=0.005)`` because money may be rounded to cents;
- ``None`` means the JSON value must be ``null``;
- attribution / roi maps: entries of 0 credit may be left out, so near-zero entries of
  the actual map are dropped before keys are compared (roi keeps its zeros: roi lists
  every channel with spend in P).
All mismatches of one test are collected and reported together.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STORY = REPO / "tests" / "story"


def rate(x: float):
    return pytest.approx(x, rel=1e-9)


def money(x: float):
    return pytest.approx(x, rel=1e-9, abs=0.005)


def cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "onefunnel", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc


def _ok(proc: subprocess.CompletedProcess, what: str) -> None:
    assert proc.returncode == 0, (
        f"{what} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )


def ingest(db: Path, *files: str) -> subprocess.CompletedProcess:
    """Import story files (paths relative to tests/story) in the order given."""
    paths = [str(STORY / f) for f in files]
    for p in paths:
        assert Path(p).is_file(), p
    proc = cli("ingest", "--db", db, *paths)
    _ok(proc, "ingest " + " ".join(files))
    return proc


def set_goal(db: Path, month: str, amount: float) -> None:
    _ok(cli("goal", "--db", db, "--month", month, "--amount", amount), f"goal {month}")


def metrics(db: Path, start: str, end: str, *, as_of: str | None = None,
            goal: float | None = None, sla_hours: float | None = None,
            compare: str | None = None, by: str | None = None) -> dict:
    args = ["metrics", "--db", db, "--start", start, "--end", end]
    if compare is not None:
        args += ["--compare", compare]
    if by is not None:
        args += ["--by", by]
    if as_of is not None:
        args += ["--as-of", as_of]
    if goal is not None:
        args += ["--goal", goal]
    if sla_hours is not None:
        args += ["--sla-hours", sla_hours]
    args.append("--json")
    proc = cli(*args)
    _ok(proc, "metrics " + " ".join(map(str, args[3:])))
    out = proc.stdout.strip()
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        # tolerate log lines around the JSON object
        first, last = out.find("{"), out.rfind("}")
        assert first >= 0 and last > first, f"no JSON object in stdout:\n{proc.stdout}"
        return json.loads(out[first:last + 1])


def _matches(got, exp) -> bool:
    if exp is None:
        return got is None
    if got is None or isinstance(got, bool):
        return False
    if isinstance(exp, str):
        return got == exp
    if isinstance(exp, int) and not isinstance(exp, bool):
        return isinstance(got, (int, float)) and got == exp
    return got == exp  # pytest.approx


def _show(exp):
    return getattr(exp, "expected", exp)


class Check:
    """Collects every mismatch, then fails once with the whole list."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def values(self, actual: dict, expected: dict, where: str = "metrics") -> None:
        for key, exp in expected.items():
            if key not in actual:
                self.errors.append(f"{where}.{key}: missing (expected {_show(exp)!r})")
            elif not _matches(actual[key], exp):
                self.errors.append(f"{where}.{key}: expected {_show(exp)!r}, got {actual[key]!r}")

    def credit_map(self, actual: dict | None, expected: dict, where: str, keep_zeros: bool = False) -> None:
        if not isinstance(actual, dict):
            self.errors.append(f"{where}: expected a map, got {actual!r}")
            return
        got = dict(actual)
        if not keep_zeros:
            got = {k: v for k, v in got.items()
                   if not (isinstance(v, (int, float)) and abs(v) < 0.005)}
        if set(got) != set(expected):
            self.errors.append(
                f"{where}: keys {sorted(got)} != expected {sorted(expected)} (actual map {actual!r})")
        for key in set(got) & set(expected):
            if not _matches(got[key], expected[key]):
                self.errors.append(
                    f"{where}[{key!r}]: expected {_show(expected[key])!r}, got {got[key]!r}")

    def equal(self, got, exp, where: str) -> None:
        if not _matches(got, exp):
            self.errors.append(f"{where}: expected {_show(exp)!r}, got {got!r}")

    def done(self) -> None:
        assert not self.errors, "\n".join(["story mismatches:"] + self.errors)


def by_owner(rows, where: str, check: Check) -> dict:
    """Turn a by_owner list into {owner: row}, reporting duplicate owners."""
    if not isinstance(rows, list):
        check.errors.append(f"{where}: expected a list, got {rows!r}")
        return {}
    out = {}
    for row in rows:
        name = row.get("owner")
        if name in out:
            check.errors.append(f"{where}: owner {name!r} listed twice")
        out[name] = row
    return out
