"""Ingest: vendor exports in, canonical records out (see presets, reader, load)."""

from onefunnel.ingest.load import (ImportResult, Reject, Staged, custom_formats, custom_presets,
                                   delete_custom_format, ingest_file, preview, rename_custom_format,
                                   save_custom_format)
from onefunnel.ingest.reader import FileRefused

__all__ = ["FileRefused", "ImportResult", "Reject", "Staged", "custom_formats", "custom_presets",
           "delete_custom_format", "ingest_file", "preview", "rename_custom_format", "save_custom_format"]
