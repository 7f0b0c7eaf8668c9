"""House rules that a grep can check: pages hold no SQL and no transactions, every write's
transaction goes through db.transaction, and the runtime package does not import the demo
generator or the benchmark at import time."""

import ast
import re

from tests.conftest import ROOT

PAGES = sorted((ROOT / "pages").glob("*.py"))
PACKAGE = sorted((ROOT / "onefunnel").rglob("*.py"))


def test_pages_run_no_sql_and_no_transactions():
    offenders = [f"{p.name}:{n}: {line.strip()}" for p in PAGES
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if ".execute(" in line or "begin transaction" in line.lower()]
    assert PAGES and offenders == [], "SQL belongs in queries/ or onefunnel/:\n" + "\n".join(offenders)


def test_only_db_transaction_begins_a_transaction():
    # db.transaction() is the one place that says begin, commit and rollback; every write uses it. The SQL
    # console's sandbox begins the one read-only transaction (it writes nothing).
    hits = [(str(p.relative_to(ROOT)), line.strip()) for p in PACKAGE + PAGES for line in p.read_text().splitlines()
            if re.search(r"""execute\(\s*["']\s*(begin|commit|rollback)\b""", line, re.I)]
    assert [f for f, _ in hits if f != "onefunnel/console.py"] == ["onefunnel/db.py"] * 3, hits
    assert [line for f, line in hits if f == "onefunnel/console.py"] == ['con.execute("begin transaction read only")']


def test_the_runtime_package_does_not_import_demo_or_bench_at_import_time():
    found = []
    for p in PACKAGE:
        for node in ast.parse(p.read_text()).body:   # module level only: a lazy import inside a function is fine
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{p.relative_to(ROOT)}: {n}" for n in names
                      if n.split(".")[0] in ("demo", "bench") or n.startswith("streamlit.testing")]
    assert found == []


def test_every_period_page_goes_through_the_shared_header():
    """Pages that show a period's numbers start with ui.page_header (title, period, comparison, empty state);
    their numbers come through the metrics layer (ui.period_metrics / ui.measures)."""
    exempt = {"data.py", "definitions.py", "console.py", "people.py"}   # no period: uploads, settings, SQL, people
    for path in sorted((ROOT / "pages").glob("*.py")):
        text = path.read_text()
        if path.name not in exempt:
            assert "ui.page_header(" in text and "st.title(" not in text, path.name


def test_every_table_shows_a_dash_for_a_missing_value_and_goes_through_ui_table():
    """Streamlit prints 'None' in an empty cell unless told otherwise (issue 11 item 3), and its table toolbar
    downloads the cells as they are (issue 15 section 3): pages never call st.dataframe (or a container's
    .dataframe) themselves but ui.table, which always passes placeholder="–" and makes formula-like text safe;
    any other st.dataframe in the package passes the placeholder too."""
    direct, missing = [], []
    for path in PAGES + sorted((ROOT / "onefunnel").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dataframe":
                if path.parent.name == "pages":
                    direct.append(f"{path.name}:{node.lineno}")
                elif not any(k.arg == "placeholder" for k in node.keywords):
                    missing.append(f"{path.name}:{node.lineno}")
    assert not direct, "pages call ui.table, not st.dataframe: " + ", ".join(direct)
    assert not missing, missing
    table = next(n for n in ast.parse((ROOT / "onefunnel" / "ui.py").read_text()).body
                 if isinstance(n, ast.FunctionDef) and n.name == "table")
    calls = [n for n in ast.walk(table) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "dataframe"]
    assert len(calls) == 1
    kw = {k.arg: k.value for k in calls[0].keywords}
    assert isinstance(kw.get("placeholder"), ast.Constant) and kw["placeholder"].value == "–"
    assert "excel_safe" in ast.unparse(table)


def test_pages_draw_charts_through_ui_plotly_chart():
    """ui.plotly_chart escapes a figure's data texts (a campaign named <a href=...> is no link): pages never
    call st.plotly_chart themselves."""
    direct = [f"{p.name}:{node.lineno}" for p in PAGES for node in ast.walk(ast.parse(p.read_text()))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "plotly_chart" and ast.unparse(node.func.value) != "ui"]
    assert not direct, direct


def _write_functions() -> dict[str, int | None]:
    """Every function of the package that writes and logs who did it (it takes `who`), with the position of
    `who`; plus the demo loader, which imports files."""
    found = {"load_demo": None}
    for p in PACKAGE:
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "who" in names or "who" in [a.arg for a in node.args.kwonlyargs]:
                    found[node.name] = names.index("who") if "who" in names else None
    return found


def _is_writer_call(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "writer"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "access")


def test_pages_write_only_through_the_access_check():
    """Sign-in and roles (issue 15 section 1): a page's write passes access.writer(action) as the name for the
    log, which refuses a person whose role may not do it before anything is written. A write without `who`
    (the demo loader) sits in a function that calls access.writer first."""
    writes = _write_functions()
    assert {"set_goal", "set_quota", "undo_import", "ingest_file", "set_role", "save_query"} <= set(writes)
    offenders, checked = [], 0
    for path in PAGES + [ROOT / "onefunnel" / "ui.py"]:
        tree = ast.parse(path.read_text())
        parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        local = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}   # checked where they write
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            f = call.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name not in writes or (isinstance(f, ast.Name) and name in local):
                continue
            pos = writes[name]
            who = next((k.value for k in call.keywords if k.arg == "who"), None)
            if who is None and pos is not None and len(call.args) > pos:
                who = call.args[pos]
            if pos is None and who is None:   # no `who`: the enclosing function must ask access.writer first
                scope = call
                while scope in parent and not isinstance(scope, ast.FunctionDef):
                    scope = parent[scope]
                ok = any(_is_writer_call(n) for n in ast.walk(scope))
            else:
                ok = _is_writer_call(who)
            checked += 1
            if not ok:
                offenders.append(f"{path.name}:{call.lineno}: {name}")
    assert checked >= 20 and offenders == [], (checked, offenders)


def test_every_editable_table_goes_through_ui_editor():
    """st.data_editor's toolbar downloads the cells as shown, like st.dataframe's (issue 15 section 3): pages
    call ui.editor, which shows formula-like text safely and takes the escape back on save."""
    direct = [f"{path.name}:{node.lineno}" for path in PAGES for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "data_editor"]
    assert not direct, "pages call ui.editor, not st.data_editor: " + ", ".join(direct)
    assert any("ui.editor(" in p.read_text() for p in PAGES)
