"""How CLI commands open the database (cli._with_database): a file another process holds gives exit status 2
and the lock message, for the plain commands and for `metrics --engine spark`, which opens the database only to
export it (an empty workspace: status 1 and what to do)."""

from onefunnel.db import connect
from tests.conftest import run_cli

PERIOD = ("--start", "2026-01-01", "--end", "2026-01-31", "--json")


def test_a_held_file_gives_status_2_and_the_lock_message(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = connect(db)
    try:
        runs = [run_cli(*args, "--db", db, check=False) for args in (
            ("metrics", *PERIOD), ("metrics", *PERIOD, "--engine", "spark"), ("goal", "--month", "2026-01",
                                                                               "--amount", "1000"))]
    finally:
        holder.close()
    for proc in runs:
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("error: ") and "in use by another OneFunnel process" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_spark_on_an_empty_workspace_says_so(tmp_path):
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    proc = run_cli("metrics", *PERIOD, "--engine", "spark", "--db", db, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert proc.stdout == ""
