"""Ingest: vendor exports in, canonical records out (see presets, reader, load)."""

from onefunnel.ingest.load import ImportResult, Reject, Staged, ingest_file, preview
from onefunnel.ingest.reader import FileRefused

__all__ = ["FileRefused", "ImportResult", "Reject", "Staged", "ingest_file", "preview"]
