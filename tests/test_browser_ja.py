"""`make lab-ja` in a real browser: JupyterLab in Japanese, the Japanese start notebook, CJK glyphs.

The real command starts it (`conoha-learn lab --lang ja`, as `make lab-ja` runs it, with
--no-browser, free ports and a token) over a copy of notebooks/ in a home folder of its own, so
it writes its own settings (interface language, no news pop-up) the way a learner gets them, and
nothing in the checkout is autosaved. Debian's Chromium then opens the page Jupyter would have
opened, and the test checks what a Japanese learner sees first: the menu bar in Japanese (from
jupyterlab-language-pack-ja-jp), no "Jupyter news" toast, the notebook's Japanese h1 drawn with
a font that has Japanese glyphs (Chromium says which fonts drew a node, and fontconfig which
fonts cover Japanese: fonts-noto-cjk, installed by .ci/run), and, run in sim mode from the first
code cell to the first exercise, no error and the library's feedback in Japanese.

What it assumes of notebooks/ja/00_start_here.ipynb: its first h1 holds Japanese text; its code
cells run in order against the simulator without error (they are the English notebook's); one
of them calls `cl.check(` (the first exercise), and its output mentions the exercise's id.
Screenshots go to test-output/browser/ja-*.png, beside test_browser.py's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from browser_helpers import launch, playwright_or_skip, wait_until_cells_done
from test_lab import ROOT, opened, run_lab, stop  # noqa: F401 (run_lab is a fixture)

pytestmark = pytest.mark.slow

OUTPUT = ROOT / "test-output" / "browser"
START = Path("notebooks") / "ja" / "00_start_here.ipynb"
PAGE_TIMEOUT = 90            # seconds: JupyterLab's first load on a busy 2-core machine
RUN_TIMEOUT = 300            # the cells up to the first exercise, in sim mode
NEWS_GRACE = 5               # seconds after the notebook is up for a news toast to show
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana and kanji
# JupyterLab's menus as jupyterlab-language-pack-ja-jp names them (File, Edit, View, Run, Kernel,
# Settings, Help); 設定 is also where the notebook tells learners to switch the language.
JAPANESE_MENUS = {"ファイル", "編集", "表示", "実行", "カーネル", "設定", "ヘルプ"}


@pytest.fixture(scope="module")
def playwright_api():
    yield from playwright_or_skip()


def japanese_font_families() -> set[str]:
    """Families fontconfig says cover Japanese (fc-list :lang=ja), each of its names."""
    try:
        listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True,
                                timeout=30).stdout
    except OSError:
        listed = ""
    return {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}


def rendered_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium drew the text of the first node matching ``selector`` with, and how
    many glyphs each drew (DevTools' "Rendered Fonts"): what was really used, not the CSS stack."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector} on the page"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def assert_japanese_glyphs(page, selector: str, families: set[str]) -> list[dict]:
    """Every Japanese character of the node was drawn by a font that has Japanese glyphs (a
    font without them would draw tofu boxes, and Chromium would name that font instead)."""
    text = page.locator(selector).first.evaluate(
        "e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')")
    wanted = len(JAPANESE.findall(text))
    fonts = rendered_fonts(page, selector)
    drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in families)
    assert wanted and drawn >= wanted, (
        f"{selector} {text!r}: {wanted} Japanese characters, {drawn} glyphs from a Japanese font; "
        f"Chromium drew it with {fonts}; fonts covering Japanese here: {sorted(families) or 'none'} "
        "(Debian: apt-get install fonts-noto-cjk)")
    return fonts


def run_up_to(page, panel, last: int) -> float:
    """Run cells 0..last with Shift+Enter (the keys, so no menu label is assumed), and wait
    for them to finish."""
    t0 = time.monotonic()
    panel.locator(".jp-Notebook-cell").first.locator(".jp-Cell-inputWrapper").click()
    page.keyboard.press("Escape")  # command mode: Shift+Enter runs the cell and selects the next
    for _ in range(last + 1):
        page.keyboard.press("Shift+Enter")
        page.wait_for_timeout(100)
    wait_until_cells_done(page, panel, RUN_TIMEOUT, f"cells 0..{last}")
    return time.monotonic() - t0


def test_make_lab_ja_shows_japanese_jupyterlab_and_notebook(playwright_api, run_lab, tmp_path):
    if not (ROOT / START).exists():
        pytest.skip(f"{START} does not exist yet")
    notebook = nbformat.read(ROOT / START, as_version=4)
    sources = ["".join(c.source) for c in notebook.cells]
    exercise = next((i for i, c in enumerate(notebook.cells)
                     if c.cell_type == "code" and "cl.check(" in sources[i]), None)
    assert exercise is not None, f"{START} has no exercise (a cell calling cl.check)"
    exercise_id = re.search(r"cl\.check\(\s*[\"']([^\"']+)", sources[exercise]).group(1)

    course = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", course / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for cell in notebook.cells:  # the copy without recorded outputs, so none can pass for this run's
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, course / START)
    info = run_lab("--lang", "ja", cwd=course)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("ja-*.png"):
        old.unlink()
    families = japanese_font_families()

    context = launch(playwright_api, tmp_path / "profile", viewport={"width": 1400, "height": 1000})
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT * 1000)
        url = opened(info)  # the page `make lab-ja` sends the browser to
        assert url.endswith(f"/lab/tree/ja/00_start_here.ipynb?token={info['token']}")
        page.goto(url)
        panel = page.locator(".jp-NotebookPanel:visible")
        heading = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1"
        page.locator(heading).first.wait_for()
        page.wait_for_function(  # the kernel has started, as the status bar shows it
            "() => [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]"
            ".some(e => e.getAttribute('data-status') === 'idle')", timeout=PAGE_TIMEOUT * 1000)

        # JupyterLab's own interface in Japanese.
        menus = set(page.locator(".lm-MenuBar-itemLabel").all_inner_texts())
        assert JAPANESE_MENUS <= menus, f"menu bar: {sorted(menus)} (ja_JP language pack not used?)"
        assert "File" not in menus

        # No news pop-up on the first screen (or any other toast: a fresh learner has no reason
        # to see one). It comes a moment after start-up when it comes, hence the grace period.
        page.wait_for_timeout(NEWS_GRACE * 1000)
        page.screenshot(path=str(OUTPUT / "ja-first-screen.png"))
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not toasts, f"toasts on the first screen: {toasts}; see ja-first-screen.png"

        # The notebook's Japanese heading, drawn with Japanese glyphs.
        title = page.locator(heading).first
        assert title.is_visible() and JAPANESE.search(title.inner_text()), (
            f"first h1: {title.inner_text()!r}")
        heading_fonts = assert_japanese_glyphs(page, heading, families)
        title.screenshot(path=str(OUTPUT / "ja-heading.png"))

        # In sim mode, from the first code cell to the first exercise: no error, Japanese feedback.
        # (The copy has no recorded outputs: what is checked below is this run's.)
        cells = panel.locator(".jp-Notebook-cell")
        assert cells.nth(exercise).locator(".jp-OutputArea-output").count() == 0
        took = run_up_to(page, panel, exercise)
        errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                               ", .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, f"error (or stderr) output: {errors.all_inner_texts()[:3]}"
        prompts = {i: cells.nth(i).locator(".jp-InputPrompt").first.text_content().strip()
                   for i, c in enumerate(notebook.cells[:exercise + 1]) if c.cell_type == "code"}
        unrun = [i for i, prompt in prompts.items() if not re.fullmatch(r"\[\d+\]:", prompt)]
        assert not unrun, f"code cells not run: {unrun} (prompts {prompts})"
        feedback = cells.nth(exercise).locator(".jp-OutputArea-output")
        feedback.first.wait_for()
        said = feedback.first.inner_text()
        assert exercise_id in said and JAPANESE.search(said), f"cl.check said {said!r}"
        cells.nth(exercise).scroll_into_view_if_needed()
        cells.nth(exercise).screenshot(path=str(OUTPUT / "ja-exercise-output.png"))
        page.screenshot(path=str(OUTPUT / "ja-after-run.png"))
        feedback.first.locator("pre").first.evaluate("e => e.setAttribute('data-ja-feedback', '')")
        output_fonts = assert_japanese_glyphs(page, "[data-ja-feedback]", families)
    finally:
        context.close()
    stop(info)
    print(f"menus {sorted(menus)}; heading fonts {heading_fonts}; output fonts {output_fonts}; "
          f"cells 0..{exercise} ran in {took:.1f} s")
