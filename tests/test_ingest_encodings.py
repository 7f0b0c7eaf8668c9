"""Text encodings (issue 15 section 2): Windows-1252 and Windows-1250 are weighed on the words they give, so
French and Spanish names are not stored as Central European mojibake; Shift-JIS is recognised; the reading is
named in the notes, and the user can choose another (ingest_file/preview encoding=, `ingest --encoding`)."""

import pytest

from onefunnel.ingest import FileRefused, ingest_file, preview
from onefunnel.ingest.reader import detect_encoding
from tests.conftest import run_cli

HEADER = "lead_id,email,created_at,company\n"
WESTERN = HEADER + ("L-1,chef@x.com,2026-07-01,Crème Brûlée\n"
                    "L-2,jose@x.com,2026-07-01,José Núñez e Hijos\n"
                    "L-3,anne@x.com,2026-07-01,Pâtisserie Française\n")
CENTRAL = HEADER + ("L-1,jiri@x.com,2026-07-01,Jiří Dvořák\n"
                    "L-2,lukasz@x.com,2026-07-01,Łukasz Wałęsa\n")
JAPANESE = HEADER + ("L-1,yamada@x.com,2026-07-01,山田太郎\n"
                     "L-2,sato@x.com,2026-07-01,株式会社テスト\n")


def companies(con):
    return [r[0] for r in con.execute("select company from lead_records order by record_id").fetchall()]


def test_windows_1252_french_and_spanish_names_are_stored_as_written(con, tmp_path):
    f = tmp_path / "western.csv"
    f.write_bytes(WESTERN.encode("cp1252"))
    r = ingest_file(con, f)
    assert companies(con) == ["Crème Brûlée", "José Núñez e Hijos", "Pâtisserie Française"]
    assert "text read as Windows-1252 (Western European) (detected)" in r.notes


def test_the_one_name_that_fooled_the_guess(tmp_path):
    # the probe's case: as Windows-1250 these bytes read "Crčme Brűlée" (a Czech and a Hungarian letter)
    assert detect_encoding("name\nCrème Brûlée\n".encode("cp1252"), "x.csv") == "cp1252"


def test_windows_1250_central_european_names_are_stored_as_written(con, tmp_path):
    f = tmp_path / "central.csv"
    f.write_bytes(CENTRAL.encode("cp1250"))
    ingest_file(con, f)
    assert companies(con) == ["Jiří Dvořák", "Łukasz Wałęsa"]


def test_shift_jis_is_recognised(con, tmp_path):
    f = tmp_path / "japanese.csv"
    f.write_bytes(JAPANESE.encode("shift_jis"))
    r = ingest_file(con, f)
    assert companies(con) == ["山田太郎", "株式会社テスト"]
    assert "text read as Shift-JIS (Japanese) (detected)" in r.notes


def test_the_preview_names_the_encoding_and_a_chosen_one_is_used(con, tmp_path):
    f = tmp_path / "western.csv"
    f.write_bytes(WESTERN.encode("cp1252"))
    assert "text read as Windows-1252 (Western European) (detected)" in preview(con, f).notes
    chosen = preview(con, f, encoding="cp1250")
    assert "text read as Windows-1250 (Central European) (chosen)" in chosen.notes
    # the override is obeyed: è (0xE8) reads as č under Windows-1250
    assert chosen.sample["company"].tolist()[0] == "Crčme Brűlée"


def test_a_chosen_encoding_that_does_not_fit_is_refused(con, tmp_path):
    f = tmp_path / "western.csv"
    f.write_bytes(WESTERN.encode("cp1252"))
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f, encoding="utf-8")
    assert "UTF-8" in exc.value.reason
    assert con.execute("select count(*) from imports").fetchall()[0][0] == 0


def test_cli_encoding(tmp_path):
    db = tmp_path / "cli.duckdb"
    f = tmp_path / "western.csv"
    f.write_bytes(WESTERN.encode("cp1252"))
    out = run_cli("ingest", "--encoding", "windows-1250", f, "--db", db).stdout
    assert "text read as Windows-1250 (Central European) (chosen)" in out
    bad = run_cli("ingest", "--encoding", "klingon", f, "--db", db, check=False)
    assert bad.returncode == 2 and "unknown text encoding 'klingon'" in bad.stderr
