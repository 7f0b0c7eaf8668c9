"""Uploaded files on disk: an upload lives in RAM, and the importer reads a file, so each use (a preview, an
import) writes the upload to a private temp folder and removes the folder when that use ends, whatever its
outcome (issue 15 section 2: uploads were left behind after refusals and undos)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

PREFIX = "onefunnel-upload-"


@contextlib.contextmanager
def staged(data, file_name: str):
    """A path holding `data` (bytes or a buffer) under the upload's own base name, for the block only."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        path = folder / (Path(file_name).name or "upload")
        path.write_bytes(data)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def left_behind() -> list[Path]:
    """Upload folders in the temp directory (tests: none once a preview or an import has ended)."""
    return sorted(Path(tempfile.gettempdir()).glob(PREFIX + "*"))
