"""Which repository file becomes which site page, and how links between them are rewritten (website/stage.py).

On a small made-up repository, so that every case is there: a translated and an untranslated
notebook, a Japanese guide without its English twin, the README's Binder badge. The built site
itself is checked by tests/test_site.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "website"))
import stage  # noqa: E402  (website/ is not a package: it is run as a script by `make site`)

BADGE = ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/org/repo/HEAD"
         "?urlpath=lab/tree/notebooks/00_a.ipynb)")


def notebook(markdown: str) -> str:
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": markdown}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {
        "README.md": f"# Course\n\n{BADGE}\n\n[guide](docs/guide.md) [env](binder/env.yml) [gone](nope.md)\n",
        "binder/env.yml": "name: x\n",
        "notebooks/00_a.ipynb": notebook("# A\n\n[next](01_b.ipynb)\n"),
        "notebooks/01_b.ipynb": notebook("# B\n\n[ja](ja/00_a.ipynb)\n"),
        "notebooks/ja/00_a.ipynb": notebook("# あ\n\n[次へ](01_b.ipynb) [ガイド](../../docs/guide.md)\n"
                                            "```mermaid\nflowchart LR\n  [x](y.md)\n```\n"),
        "docs/guide.md": "# Guide\n\n[home](../README.md)\n",
        "docs/only.ja.md": "# 日本語だけ\n\n[最初](../notebooks/ja/00_a.ipynb)\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_pages_are_found_by_file_name_with_their_twins(repo):
    pages = stage.find_pages(repo)
    twins = {lang: {p.target: p.twin for p in pages[lang]} for lang in stage.LANGUAGES}
    assert twins["en"] == {"index.md": "index.md", "notebooks/00_a.ipynb": "notebooks/00_a.ipynb",
                           "notebooks/01_b.ipynb": None, "docs/guide.md": None}
    assert twins["ja"] == {"index.md": "index.md", "notebooks/00_a.ipynb": "notebooks/00_a.ipynb",
                           "docs/only.md": None}
    assert {p.target: p.source for p in pages["ja"]}["index.md"] == "README.md"  # no README.ja.md yet


def test_links_are_rewritten_for_the_site(repo, tmp_path_factory):
    trees = stage.stage(repo, tmp_path_factory.mktemp("trees"))
    en_index = (trees["en"] / "index.md").read_text(encoding="utf-8")
    assert "[![Binder](_images_src/binder-badge.svg)](https://mybinder.org/v2/gh/org/repo/HEAD" in en_index
    assert "mybinder.org/badge_logo.svg" not in en_index
    assert "[guide](docs/guide.md)" in en_index                               # a page: Sphinx resolves it
    assert "[env](https://github.com/org/repo/blob/HEAD/binder/env.yml)" in en_index  # a file: on GitHub
    assert "[gone](nope.md)" in en_index                                      # nowhere: left for Sphinx to report
    assert (trees["en"] / "_images_src" / "binder-badge.svg").is_file()

    def cell(tree: Path, name: str) -> str:
        return json.loads((tree / "notebooks" / name).read_text(encoding="utf-8"))["cells"][0]["source"]

    assert "[next](01_b.ipynb)" in cell(trees["en"], "00_a.ipynb")
    assert '<a href="../ja/notebooks/00_a.html">ja</a>' in cell(trees["en"], "01_b.ipynb")
    ja = cell(trees["ja"], "00_a.ipynb")
    assert '<a href="../../notebooks/01_b.html">次へ</a>' in ja   # untranslated: the English page
    assert '<a href="../../docs/guide.html">ガイド</a>' in ja
    assert "  [x](y.md)\n" in ja                                   # inside a fence: untouched
    assert "[最初](../notebooks/00_a.ipynb)" in (trees["ja"] / "docs" / "only.md").read_text(encoding="utf-8")
    # The Japanese landing page is the English README for now, with a note saying so.
    assert "日本語版はまだありません" in (trees["ja"] / "index.md").read_text(encoding="utf-8")


def test_site_json_gives_twins_and_the_binder_url(repo, tmp_path_factory):
    trees = stage.stage(repo, tmp_path_factory.mktemp("trees"))
    meta = json.loads((trees["ja"] / "site.json").read_text(encoding="utf-8"))
    assert meta["binder"] == "https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=lab/tree/"
    assert meta["pages"]["notebooks/00_a"] == {"source": "notebooks/ja/00_a.ipynb", "twin": "notebooks/00_a"}
    assert meta["pages"]["docs/only"]["twin"] is None


def test_a_readme_without_a_binder_badge_is_a_clear_error(repo, tmp_path_factory):
    (repo / "README.md").write_text("# Course\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no Binder badge"):
        stage.stage(repo, tmp_path_factory.mktemp("trees"))


def test_the_readers_home_page_is_the_landing_page_and_the_readme_a_guide(repo, tmp_path_factory):
    (repo / "website").mkdir()
    (repo / "website" / "home.md").write_text("# Home\n\n[start](../notebooks/00_a.ipynb) "
                                              "[readme](../README.md)\n", encoding="utf-8")
    (repo / "website" / "home.ja.md").write_text("# ホーム\n\n[はじめに](../notebooks/ja/00_a.ipynb)\n",
                                                 encoding="utf-8")
    pages = stage.find_pages(repo)
    sources = {lang: {p.target: p.source for p in pages[lang]} for lang in stage.LANGUAGES}
    assert sources["en"]["index.md"] == "website/home.md" and sources["en"]["readme.md"] == "README.md"
    assert sources["ja"]["index.md"] == "website/home.ja.md"
    trees = stage.stage(repo, tmp_path_factory.mktemp("trees"))
    home = (trees["en"] / "index.md").read_text(encoding="utf-8")
    assert "[start](notebooks/00_a.ipynb)" in home and "[readme](readme.md)" in home
    assert "\nreadme\n" in home                      # the README is in the Guides' table of contents
    assert "[はじめに](notebooks/00_a.ipynb)" in (trees["ja"] / "index.md").read_text(encoding="utf-8")
    # a guide's link to the README still reaches the README, now a page of its own
    assert "[home](../readme.md)" in (trees["en"] / "docs" / "guide.md").read_text(encoding="utf-8")
