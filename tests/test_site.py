"""The course website (`make site`): built once here, read as files, then opened in Debian's Chromium.

The build runs website/build.py, as `make site` does, into a temporary folder. Without a browser:
every page of the repository is on the site, every internal link and asset of every page resolves
(anchors included), and no page names a remote script, stylesheet, image or font. In Chromium
(served on 127.0.0.1, a free port; every other request is refused and counted): the landing page,
an English and a Japanese notebook page, with their Mermaid diagrams drawn as SVG, Japanese text
drawn with a CJK font, the language switch leading to the twin page, a Japanese search finding
the Japanese notebook, and a phone-sized window that never scrolls sideways. Screenshots go to
test-output/site/.

Needs notebooks/ja/00_start_here.ipynb (the Japanese twin of the first notebook).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser_helpers import chromium_browser, loopback_only, mermaid_fences
from lite_helpers import serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output" / "site"
EN_NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
JA_NOTEBOOK = ROOT / "notebooks" / "ja" / "00_start_here.ipynb"
BUILD_TIMEOUT = 900
PHONE = {"width": 390, "height": 844}
BINDER = re.compile(r"\((https://mybinder\.org/v2/gh/[^)\s?]+\?urlpath=lab/tree/)")


class Links(HTMLParser):
    """The links, asset addresses and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.urls.append((tag, values[name]))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def diagrams_in(notebook: Path) -> int:
    return mermaid_fences(json.loads(notebook.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if not JA_NOTEBOOK.is_file():
        pytest.fail(f"{JA_NOTEBOOK.relative_to(ROOT)} is missing: the site's Japanese pages are tested on it")
    out = tmp_path_factory.mktemp("site") / "site"
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "website" / "build.py"), str(out)],
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert done.returncode == 0, f"website/build.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    print(f"site built in {time.monotonic() - started:.1f} s")
    return out


# --- the built files ---------------------------------------------------------------------------------

def test_every_page_of_the_repository_is_on_the_site(site):
    expected = ["index.html", "ja/index.html"]
    expected += [f"notebooks/{nb.stem}.html" for nb in (ROOT / "notebooks").glob("*.ipynb")]
    expected += [f"ja/notebooks/{nb.stem}.html" for nb in (ROOT / "notebooks" / "ja").glob("*.ipynb")]
    for md in (ROOT / "docs").glob("*.md"):
        name = md.name.removesuffix(".md")
        expected.append(f"ja/docs/{name.removesuffix('.ja')}.html" if name.endswith(".ja") else f"docs/{name}.html")
    missing = [page for page in expected if not (site / page).is_file()]
    assert not missing, f"pages missing from the site: {missing}"


def test_every_internal_link_resolves(site):
    # Pages, not the theme's Jinja macros that it ships as _static/*.html.
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    ids = {page: parse(page).ids for page in pages}
    broken, checked = [], 0
    for page in pages:
        for tag, url in parse(page).urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            where = f"{page.relative_to(site)}: <{tag}> {url}"
            if not target.is_file():
                broken.append(where)
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids[target]:
                broken.append(f"{where} (no id {parts.fragment!r})")
    assert checked > 100
    assert not broken, f"{len(broken)} broken internal links, e.g.:\n" + "\n".join(broken[:20])


def test_no_page_loads_anything_remote(site):
    """Scripts, stylesheets, images, fonts, frames: all from the site itself (links to elsewhere are fine)."""
    remote = []
    for page in site.rglob("*.html"):
        for tag, url in parse(page).urls:
            if tag != "a" and urlsplit(url).scheme in ("http", "https", "") and urlsplit(url).netloc:
                remote.append(f"{page.relative_to(site)}: <{tag}> {url}")
    for css in site.rglob("*.css"):
        remote += [f"{css.relative_to(site)}: {u}" for u in re.findall(r"url\(\s*['\"]?(https?:)?//[^)]*\)",
                                                                       css.read_text(errors="replace"))]
    assert not remote, "\n".join(remote[:20])


def test_notebook_pages_launch_on_binder_with_the_readmes_url(site):
    base = BINDER.search((ROOT / "README.md").read_text()).group(1)
    for lang, folder in (("en", ROOT / "notebooks"), ("ja", ROOT / "notebooks" / "ja")):
        for nb in folder.glob("*.ipynb"):
            page = site / ("ja/" if lang == "ja" else "") / "notebooks" / f"{nb.stem}.html"
            hrefs = [url for tag, url in parse(page).urls if tag == "a"]
            assert base + nb.relative_to(ROOT).as_posix() in hrefs, f"{page}: no Binder link to {nb.name}"
            assert "../index.html" in hrefs, f"{page}: no link to the make lab instructions"


# --- in the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:  # the same static server the browser edition's tests use
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


@pytest.fixture
def browse(browser, server):
    """Open a page of the site: every request that would leave 127.0.0.1 is refused and recorded."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    contexts, outside, problems = [], [], []

    def open_page(path: str, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        context.route("**/*", loopback_only(outside))
        page = context.pages[0] if context.pages else context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
        page.goto(urljoin(server + "/", path))
        page.wait_for_load_state("load")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not outside, f"requests that left 127.0.0.1: {outside}"
    assert not problems, f"errors in the browser: {problems}"


def diagrams_drawn(page, expected: int, shot: str) -> None:
    diagrams = page.locator("pre.mermaid")
    assert diagrams.count() == expected, f"{expected} mermaid fences, {diagrams.count()} diagrams on the page"
    for n in range(expected):
        svg = diagrams.nth(n).locator("svg")
        svg.wait_for(timeout=30_000)
        assert svg.evaluate("s => s.getBoundingClientRect().width") > 50
        assert svg.locator("g").count() > 0  # drawn shapes, not an empty or error SVG
        assert not diagrams.nth(n).evaluate("d => /Syntax error/.test(d.textContent)")
        diagrams.nth(n).screenshot(path=OUTPUT / f"{shot}-mermaid-{n}.png")


def fonts_of(page, selector: str) -> list[str]:
    """The fonts Chromium really drew the element's text with (DevTools: CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def test_landing_page(browse):
    page = browse("index.html")
    assert page.locator("h1").first.inner_text().strip().startswith("conoha-learn")
    switch = page.locator("a.cl-lang")
    assert switch.get_attribute("href") == "ja/index.html"
    nav = page.locator(".bd-sidenav a")
    assert nav.count() >= len(list((ROOT / "notebooks").glob("*.ipynb")))
    page.screenshot(path=OUTPUT / "landing.png", full_page=True)


def test_english_notebook_page(browse):
    page = browse(f"notebooks/{EN_NOTEBOOK.stem}.html")
    assert page.locator("html").get_attribute("lang") == "en"
    diagrams_drawn(page, diagrams_in(EN_NOTEBOOK), "en-00")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=OUTPUT / "en-00.png")
    page.locator("a.cl-lang").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/ja/notebooks/{JA_NOTEBOOK.stem}.html"), page.url


def test_japanese_notebook_page(browse):
    page = browse(f"ja/notebooks/{JA_NOTEBOOK.stem}.html")
    assert page.locator("html").get_attribute("lang") == "ja"
    heading = page.locator("article h1").first
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", heading.inner_text()), heading.inner_text()
    fonts = fonts_of(page, "article h1")
    assert any(re.search(r"CJK|JP|Japanese|Gothic|Mincho", f) for f in fonts), f"h1 drawn with {fonts}"
    diagrams_drawn(page, diagrams_in(JA_NOTEBOOK), "ja-00")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=OUTPUT / "ja-00.png")
    page.locator("a.cl-lang").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/notebooks/{EN_NOTEBOOK.stem}.html") and "/ja/" not in page.url, page.url


def test_japanese_search_finds_the_japanese_notebook(browse):
    page = browse("ja/search.html?q=トークン")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(JA_NOTEBOOK.stem in h for h in hrefs), hrefs
    page.screenshot(path=OUTPUT / "ja-search.png")


def with_dataframe() -> str:
    """The first English notebook with a DataFrame among its outputs (the widest thing on a page)."""
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if 'class=\\"dataframe' in nb.read_text(encoding="utf-8"):
            return nb.stem
    return EN_NOTEBOOK.stem


@pytest.mark.parametrize("path", [f"notebooks/{EN_NOTEBOOK.stem}.html", f"ja/notebooks/{JA_NOTEBOOK.stem}.html",
                                  f"notebooks/{with_dataframe()}.html"])
def test_phone_screen_never_scrolls_sideways(browse, path):
    """Wide tables, DataFrames, code and diagrams scroll inside their own box; the page keeps its width."""
    page = browse(path, viewport=PHONE)
    page.wait_for_timeout(500)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path}: the page is {width} px wide on a {PHONE['width']} px screen"
    name = path.replace("/", "-").removesuffix(".html")
    page.screenshot(path=OUTPUT / f"phone-{name}.png")
    # And where the widest things are: a DataFrame or table, a diagram, a code cell.
    for n, selector in enumerate(["table.dataframe", "pre.mermaid", "div.cell_input"]):
        found = page.locator(selector)
        if found.count():
            found.first.scroll_into_view_if_needed()
            page.screenshot(path=OUTPUT / f"phone-{name}-{n + 1}.png")
