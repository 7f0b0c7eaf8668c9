"""Ingest: vendor exports in, canonical records out.

presets (which headers mean which field) -> reader (bytes, encodings, layout) -> readings (how
each column reads) -> staging (typed rows, rejects, the preview) -> one_pass or checked (the two
ways a file is stored) -> records (leads, opportunities, people merged) and row_sets (touches,
activities, spend); load.ingest_file picks the path. saved_formats keeps the hand-made
mappings, imports the import log, undo takes an import back.
"""

from onefunnel.ingest.imports import ImportResult
from onefunnel.ingest.load import ingest_file
from onefunnel.ingest.reader import FileRefused
from onefunnel.ingest.saved_formats import (custom_formats, custom_presets, delete_custom_format, find_custom_format,
                                            rename_custom_format, save_custom_format)
from onefunnel.ingest.staging import Reject, Staged, preview

__all__ = ["FileRefused", "ImportResult", "Reject", "Staged", "custom_formats", "custom_presets",
           "delete_custom_format", "find_custom_format", "ingest_file", "preview", "rename_custom_format", "save_custom_format"]
