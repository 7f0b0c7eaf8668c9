"""No number cut by a narrow column (issue 11, item 2): on the demo company, at 1440 and 1280 px wide, every
table of the pages leadership reads shows all its columns without a horizontal scroll, and every cell and header
fits its column. Streamlit draws st.dataframe on a canvas (glide-data-grid); the grid's React props hold each
column's width and each cell's display text, which the test measures in the grid's own font."""

import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import App, screenshot, wait_idle

pytestmark = pytest.mark.browser

TODAY = "2026-11-20"
PAGES = ["/", "/funnel", "/marketing", "/sales", "/wins", "/attribution", "/data"]

# For each visible grid: the columns hidden behind a horizontal scroll, and every header or cell (first 200 rows)
# whose number is wider than its column less the cell padding. The quota editor (owners by the fiscal year's twelve months)
# is the one grid allowed to scroll sideways, with its owner column pinned.
CUT = r"""() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const width = (text, font) => { canvas.font = font; return canvas.measureText(text).width; };
  const problems = [];
  const NUMBER = /^[-+]?[$]?[\d,.]+\s?(%|×|[kMB]|h|d| pts)?$/;
  document.querySelectorAll('[data-testid=stDataFrame]').forEach((grid, g) => {
    const box = grid.getBoundingClientRect();
    if (!box.width || !box.height || grid.closest('details:not([open])')) return;   // in a closed expander
    const el = grid.querySelector('canvas');
    if (!el) { problems.push(`table ${g}: not drawn`); return; }
    let fiber = el[Object.keys(el).find(k => k.startsWith('__reactFiber'))];
    while (fiber && !(fiber.memoizedProps && fiber.memoizedProps.getCellContent && fiber.memoizedProps.columns))
      fiber = fiber.return;
    const p = fiber.memoizedProps, pad = 2 * p.theme.cellHorizontalPadding;
    const total = p.columns.reduce((s, c) => s + c.width, 0);
    const scroller = grid.querySelector('.dvn-scroller');
    const editor = grid.closest('[class*="st-key-quota_editor"]');   // owners x 12 months: owner pinned, scrolls
    if (!editor && scroller.scrollWidth > scroller.clientWidth + 1)
      problems.push(`table ${g}: ${Math.round(total)} px of columns in ${scroller.clientWidth} px (hidden behind a scroll)`);
    p.columns.forEach((c, i) => {
      const title = c.title || '';
      if (width(title, p.theme.headerFontFull) + pad > c.width + 0.5)
        problems.push(`table ${g} header "${title}" cut (${Math.round(c.width)} px)`);
      for (let r = 0; r < Math.min(p.rows, 200); r++) {
        const cell = p.getCellContent([i, r]);
        const shown = cell.kind === 'custom' ? (cell.data.displayDate ?? cell.copyData) : cell.displayData ?? cell.data;
        const text = typeof shown === 'string' || typeof shown === 'number' ? String(shown) : (cell.copyData ?? '');
        if (cell.kind !== 'number' && !NUMBER.test(text)) continue;     // names and lists may be cut, numbers not
        if (width(text, p.theme.baseFontFull) + pad > c.width + 0.5) {
          problems.push(`table ${g} "${title}" row ${r}: "${text}" cut (${Math.round(c.width)} px)`);
          break;
        }
      }
    });
  });
  return problems;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from demo.load import load_demo
    from onefunnel.db import connect

    db = tmp_path_factory.mktemp("widths") / "demo.duckdb"
    con = connect(db)
    for _ in load_demo(con):
        pass
    con.close()
    app = App(Path(db), today=TODAY)
    yield app
    app.stop()


@pytest.mark.parametrize("width", [1440, 1280])
def test_no_number_is_cut_by_a_narrow_column(page, app, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PAGES:
        page.goto(app.url + path)
        wait_idle(page)
        grids = page.get_by_test_id("stDataFrame")
        for i in range(grids.count()):              # a grid draws (and sizes its columns) once it is on screen
            if grids.nth(i).is_visible():
                grids.nth(i).scroll_into_view_if_needed()
                page.wait_for_timeout(300)
        found = page.evaluate(CUT)
        if found:
            problems[path] = found
            screenshot(page, f"widths-{width}{path.replace('/', '-') or '-goal'}")
    assert not problems, "\n".join(f"{path}: {p}" for path, found in problems.items() for p in found)
