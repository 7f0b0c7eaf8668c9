"""OneFunnel: one revenue goal, one funnel, one common language for sales and marketing."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB = ROOT / "data" / "onefunnel.duckdb"
