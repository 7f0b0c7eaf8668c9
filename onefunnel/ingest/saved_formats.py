"""Formats mapped by hand on the Data page, kept in the logged setting `custom_formats`.

This is the one module that reads or writes that setting. It turns the stored entries into
presets (presets.custom_preset) for the reader, which tries them before the built-in ones;
presets.py itself never sees the database.
"""

from __future__ import annotations

from onefunnel.db import get_setting, set_setting
from onefunnel.ingest.presets import CUSTOM_PREFIX, Preset, custom_preset


CUSTOM_FORMATS = "custom_formats"   # setting: list of presets.custom_format_entry dicts


def custom_formats(con) -> list[dict]:
    return list(get_setting(con, CUSTOM_FORMATS, []) or [])


def custom_presets(con) -> list[Preset]:
    """The stored hand-made formats as presets (an entry that no longer builds is skipped)."""
    out = []
    for entry in custom_formats(con):
        try:
            out.append(custom_preset(entry))
        except (KeyError, TypeError, AttributeError):
            continue
    return out


def find_custom_format(con, name: str) -> dict | None:
    """The saved mapping named `name` (its label, any case, or its key), or None."""
    wanted = str(name).strip().lower()
    return next((e for e in custom_formats(con)
                 if str(e.get("label", "")).strip().lower() == wanted or e.get("key") == str(name).strip()), None)


def candidate_presets(con, key: str | None = None) -> tuple[list[Preset], bool]:
    """(hand-made presets to try first, whether the built-in presets follow). With the key of a saved
    mapping: that mapping alone (KeyError if there is none)."""
    if key is None:
        return custom_presets(con), True
    entry = next((e for e in custom_formats(con) if e.get("key") == key), None)
    if entry is None:
        raise KeyError(f"no saved mapping {key!r}")
    return [custom_preset(entry)], False


def save_custom_format(con, entry: dict, who: str | None = None) -> None:
    """Store (or replace, by key) a hand-made format in the logged setting `custom_formats`."""
    custom_preset(entry)   # fails loudly on a malformed entry
    if not str(entry.get("key", "")).startswith(CUSTOM_PREFIX):
        raise ValueError(f"a custom format key starts with {CUSTOM_PREFIX!r}")
    kept = [e for e in custom_formats(con) if e.get("key") != entry["key"]]
    set_setting(con, CUSTOM_FORMATS, kept + [entry], who)


def rename_custom_format(con, key: str, label: str, who: str | None = None) -> bool:
    """Give a hand-made format another name. Its key and source system stay, so a file imported
    again still replaces the records it imported. Returns False if there is no such format or the
    name is the same; ValueError (a message for a person) for an empty or taken name."""
    label = str(label).strip()
    if not label:
        raise ValueError("Type the mapping's new name.")
    current = custom_formats(con)
    if any(e.get("key") != key and str(e.get("label", "")).lower() == label.lower() for e in current):
        raise ValueError(f"A mapping named {label!r} exists already; pick another name.")
    if not any(e.get("key") == key and e.get("label") != label for e in current):
        return False
    set_setting(con, CUSTOM_FORMATS, [{**e, "label": label} if e.get("key") == key else e for e in current], who)
    return True


def delete_custom_format(con, key: str, who: str | None = None) -> bool:
    """Forget a hand-made format (records imported with it stay). Returns False if there was none."""
    current = custom_formats(con)
    kept = [e for e in current if e.get("key") != key]
    if len(kept) == len(current):
        return False
    set_setting(con, CUSTOM_FORMATS, kept, who)
    return True
