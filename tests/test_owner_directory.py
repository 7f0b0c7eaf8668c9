"""The owner directory (migration 009): an owner's team, manager and region, kept as a settings table
(onefunnel/settings_tables.py) and merged from a CSV file. Expected values counted by hand from the files."""

import json

import pandas as pd
import pytest

from onefunnel import settings_tables
from onefunnel.settings_tables import import_owner_directory
from tests.conftest import ROOT

MAVEN = ROOT.parent / "shared" / "datasets" / "maven_crm"


def _directory(con) -> dict:
    return {r[0]: r[1:] for r in con.execute("select owner, team, manager, region from owner_directory").fetchall()}


def _log(con) -> list[tuple]:
    return con.execute("select key, old_value, new_value, changed_by from settings_log order by rowid").fetchall()


def test_the_maven_crm_sales_teams_file_imports(con):
    data = (MAVEN / "sales_teams.csv").read_bytes()
    result = import_owner_directory(con, data, "sales_teams.csv", "Ada")
    # 35 sales agents under the header sales_agent,manager,regional_office (Central: Dustin Brinkmann 5 +
    # Melvin Marxen 6; East: Cara Losch 6 + Rocco Neubert 6; West: Celia Rouche 6 + Summer Sewald 6)
    assert (result.owners, result.added, result.replaced, result.skipped) == (35, 35, 0, 0)
    assert result.columns == ("manager", "region")
    d = _directory(con)
    assert len(d) == 35
    assert d["Anna Snelling"] == (None, "Dustin Brinkmann", "Central")      # no team column: NULL
    assert d["Mei-Mei Johns"] == (None, "Melvin Marxen", "Central")
    assert d["Natalya Ivanova"] == (None, "Rocco Neubert", "East")
    assert d["Carl Lin"] == (None, "Summer Sewald", "West")
    by_region = pd.Series([r[2] for r in d.values()]).value_counts().to_dict()
    assert by_region == {"Central": 11, "East": 12, "West": 12}
    # one log row, old = empty table, new = the 35 rows, with who
    (key, old, new, who), = _log(con)
    assert (key, json.loads(old), who) == ("owner_directory", [], "Ada")
    assert {"owner": "Anna Snelling", "team": None, "manager": "Dustin Brinkmann", "region": "Central"} in json.loads(new)
    # the same file again changes nothing and logs nothing
    again = import_owner_directory(con, data, "sales_teams.csv", "Ada")
    assert (again.owners, again.added, again.replaced) == (35, 0, 35)
    assert len(_log(con)) == 1


def test_an_import_replaces_listed_owners_and_keeps_the_others(con):
    settings_tables.save_table(con, "owner_directory", pd.DataFrame(
        {"owner": ["Anna Snelling", "Zoe Kept"], "team": ["Rockets", "Comets"], "manager": ["Old Boss", None],
         "region": ["North", None]}), "Ada")
    # ';' file, header in another case, 'Rep' names the owner; Anna's region cell is empty
    data = "Rep;Manager;Region\nAnna Snelling;Dustin Brinkmann;\nBen New;Cara Losch;East\n".encode()
    result = import_owner_directory(con, data, "reps.csv", "Bo")
    assert (result.owners, result.added, result.replaced) == (2, 1, 1)
    assert _directory(con) == {
        "Anna Snelling": ("Rockets", "Dustin Brinkmann", None),   # team kept (not in the file), region emptied
        "Ben New": (None, "Cara Losch", "East"),
        "Zoe Kept": ("Comets", None, None),                         # not in the file: kept
    }
    key, old, new, who = _log(con)[-1]
    assert who == "Bo" and len(json.loads(old)) == 2 and len(json.loads(new)) == 3


@pytest.mark.parametrize("data, message", [
    (b"agent,team\nAnna,East\n", "people.csv, line 1: no column names the owner"),
    (b"\n\nowner,team,region\nAnna,A,East\nBen,B\n", "people.csv, line 5: 2 fields where the header (line 3) has 3"),
    (b'owner,team\nAnna,"Rockets\nBen,B\n', "people.csv, line 2: the file cannot be read as CSV"),
    (b"name,team\nAnna,A\nBen,B\nAnna,C\n", "people.csv, line 4: owner 'Anna' is listed twice (also on line 2)"),
    (b"", "people.csv: the file is empty"),
])
def test_a_bad_file_is_refused_with_its_line_and_changes_nothing(con, data, message):
    settings_tables.save_table(con, "owner_directory", pd.DataFrame({"owner": ["Zoe Kept"]}), "Ada")
    with pytest.raises(ValueError) as exc:
        import_owner_directory(con, data, "people.csv", "Bo")
    assert str(exc.value).startswith(message), str(exc.value)
    assert _directory(con) == {"Zoe Kept": (None, None, None)}
    assert [row[3] for row in _log(con)] == ["Ada"]


def test_only_the_directory_allows_empty_values(con):
    rows = pd.DataFrame({"owner": [" Dana Reyes ", "Sam Ortiz", ""], "team": ["Enterprise", float("nan"), "x"],
                         "manager": [None, " ", "y"], "region": ["EMEA", None, "z"]})
    assert settings_tables.clean_rows("owner_directory", rows) == [
        {"owner": "Dana Reyes", "team": "Enterprise", "manager": None, "region": "EMEA"},
        {"owner": "Sam Ortiz", "team": None, "manager": None, "region": None}]     # empty owner row dropped
    assert settings_tables.save_table(con, "owner_directory", rows, "Ada") is True
    # read back, the NULLs compare equal to the empty cells: saving the same rows again is no change
    assert settings_tables.save_table(con, "owner_directory", rows, "Ada") is False
    with pytest.raises(ValueError, match="name is empty"):
        settings_tables.clean_rows("owner_names", pd.DataFrame({"owner": ["0055e000001OwNrAAA"], "name": [None]}))
