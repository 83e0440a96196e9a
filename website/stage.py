"""Lay out one Sphinx source tree per language from the repository's README, docs and notebooks.

The site has two builds, English at the top of build/site/ and Japanese under build/site/ja/, each
with its own search index and `<html lang>`. Pages are found by file name, so translations appear
on the site as soon as they exist:

    repository                    English tree              Japanese tree
    website/home.md / home.ja.md  index.md                  index.md (the readers' landing page)
    README.md / README.ja.md      readme.md                 readme.md (README.md if no README.ja.md)
    notebooks/NAME.ipynb          notebooks/NAME.ipynb
    notebooks/ja/NAME.ipynb                                 notebooks/NAME.ipynb
    docs/NAME.md / docs/NAME.ja.md  docs/NAME.md            docs/NAME.md

Markdown links are written for the repository (they work on GitHub); here they are rewritten for
the site: a link to a page becomes a link to its copy in the tree (Sphinx resolves it), a link to
a page of the other language points into the other build, and a link to any other file of the
repository goes to that file on GitHub. Remote images are replaced, so that a page never loads
anything from the network. site.json, written beside the pages, tells the Sphinx extension each
page's twin and its notebook's path in the repository (for the Binder link).
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "ja")
OTHER = {"en": "ja", "ja": "en"}
PREFIX = {"en": "", "ja": "ja/"}  # where each build sits under build/site/

# The README's Binder badge is the one place the Binder URL (and so the GitHub org/repo) is written.
BINDER_LINK = re.compile(r"\((https://mybinder\.org/v2/gh/([^/\s]+)/([^/\s]+)/([^?\s]+)\?urlpath=lab/tree/)"
                         r"[^)\s]*\)")
# [text](target "title") and ![alt](target): the target is group 3. The text may hold one level of
# brackets, so a badge (an image inside a link) is matched whole, and its image rewritten in turn.
LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]+)>?((?:\s+\"[^\"]*\")?)\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Remote images a page may show, with the local copy that replaces each; any other is dropped.
LOCAL_IMAGES = {"https://mybinder.org/badge_logo.svg": "binder-badge.svg"}

NOTICE = {  # shown on the Japanese landing page while the README has no Japanese twin
    "ja": "```{note}\nこのページの日本語版はまだありません。英語版を表示しています。\n"
          "各ノートブックの日本語版は左のメニューから開けます。\n```\n\n",
}
HOME = {"en": "website/home.md", "ja": "website/home.ja.md"}  # what the course is, how long, where to start
CAPTIONS = {"en": ("The course", "Guides"), "ja": ("コース", "ガイド")}


@dataclass(frozen=True)
class Page:
    lang: str
    source: str     # path in the repository, e.g. notebooks/ja/00_start_here.ipynb
    target: str     # path in the language's tree, e.g. notebooks/00_start_here.ipynb
    twin: str | None  # the other language's target of the same page, if it exists

    @property
    def docname(self) -> str:
        return posixpath.splitext(self.target)[0]


def find_pages(root: Path) -> dict[str, list[Page]]:
    """Every page of each language, by file name; the landing page exists in both."""
    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    found: dict[str, dict[str, str]] = {"en": {}, "ja": {}}  # target -> source
    readme_ja = "README.ja.md" if (root / "README.ja.md").is_file() else "README.md"
    if (root / HOME["en"]).is_file():  # the readers' landing page; the README becomes a guide
        found["en"]["index.md"] = HOME["en"]
        found["ja"]["index.md"] = HOME["ja"] if (root / HOME["ja"]).is_file() else HOME["en"]
        found["en"]["readme.md"], found["ja"]["readme.md"] = "README.md", readme_ja
    else:
        found["en"]["index.md"], found["ja"]["index.md"] = "README.md", readme_ja
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        found["en"][f"notebooks/{nb.name}"] = rel(nb)
    for nb in sorted((root / "notebooks" / "ja").glob("*.ipynb")):
        found["ja"][f"notebooks/{nb.name}"] = rel(nb)
    for md in sorted((root / "docs").glob("*.md")):
        if md.name.endswith(".ja.md"):
            found["ja"][f"docs/{md.name[:-len('.ja.md')]}.md"] = rel(md)
        else:
            found["en"][f"docs/{md.name}"] = rel(md)
    return {lang: [Page(lang, source, target, target if target in found[OTHER[lang]] else None)
                   for target, source in found[lang].items()] for lang in LANGUAGES}


def binder_base(readme: str) -> tuple[str, str]:
    """(Binder URL up to `lab/tree/`, GitHub URL of the repository), from the README's badge."""
    match = BINDER_LINK.search(readme)
    if not match:
        raise SystemExit("website: README.md has no Binder badge link "
                         "(https://mybinder.org/v2/gh/ORG/REPO/REF?urlpath=lab/tree/...); "
                         "the site's launch links are made from it")
    base, org, repo, ref = match.groups()
    return base, f"https://github.com/{org}/{repo}/blob/{ref}/"


def twin_source(source: str) -> str:
    """The repository path of the same page in the other language (whether it exists or not)."""
    folder, name = posixpath.split(source)
    if source == "README.md" or source == "README.ja.md":
        return "README.ja.md" if source == "README.md" else "README.md"
    if source in HOME.values():
        return HOME["ja"] if source == HOME["en"] else HOME["en"]
    if folder == "notebooks":
        return f"notebooks/ja/{name}"
    if folder == "notebooks/ja":
        return f"notebooks/{name}"
    if folder == "docs":
        return f"docs/{name[:-len('.ja.md')]}.md" if name.endswith(".ja.md") else f"docs/{name[:-3]}.ja.md"
    return source


class LinkRewriter:
    """Rewrites the Markdown links of one page for its place on the site."""

    def __init__(self, root: Path, page: Page, pages: dict[str, list[Page]], github: str):
        self.root, self.page, self.github = root, page, github
        self.own = {p.source: p for p in pages[page.lang]}
        self.other = {p.source: p for p in pages[OTHER[page.lang]]}

    def markdown(self, text: str) -> str:
        out, fenced = [], False
        for line in text.splitlines(keepends=True):
            if FENCE.match(line):
                fenced = not fenced
                out.append(line)
            else:
                out.append(line if fenced else LINK.sub(self._link, line))
        return "".join(out)

    def _link(self, match: re.Match) -> str:
        bang, text, target, title = match.groups()
        if bang:
            return self._image(text, target, title)
        text = LINK.sub(self._link, text)  # an image inside the link, as in a badge
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return f"[{text}]({target}{title})"
        path, _, fragment = target.partition("#")
        anchor = f"#{fragment}" if fragment else ""
        source = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.source), path))
        here = posixpath.dirname(self.page.target) or "."
        # The page the link names, in this build first (the Japanese landing page may be the
        # English README); a page not translated yet: its twin in the other language stands in.
        twin = twin_source(source)
        linked = (self.own.get(source) or self.other.get(source)
                  or self.own.get(twin) or self.other.get(twin))
        if linked and linked.lang == self.page.lang:  # a page of this build: Sphinx resolves it
            return f"[{text}]({posixpath.relpath(linked.target, here)}{anchor}{title})"
        if linked:  # a page of the other build: a plain URL, relative to this page's address
            up = "../" * (self.page.target.count("/") + (self.page.lang == "ja"))
            url = f"{up}{PREFIX[linked.lang]}{linked.docname}.html{anchor}"
            return f'<a href="{url}">{text}</a>'
        if (self.root / source).exists() and not source.startswith(".."):
            return f"[{text}]({self.github}{source}{anchor}{title})"
        return f"[{text}]({target}{title})"  # not in the repository: left for Sphinx to report

    def _image(self, alt: str, target: str, title: str) -> str:
        if target in LOCAL_IMAGES:
            here = posixpath.dirname(self.page.target) or "."
            return f"![{alt}]({posixpath.relpath('_images_src/' + LOCAL_IMAGES[target], here)}{title})"
        if SCHEME.match(target):
            return alt  # nothing is loaded from the network
        return f"![{alt}]({target}{title})"


def toctree(lang: str, pages: list[Page]) -> str:
    """The hidden tables of contents that give the landing page its navigation."""
    notebooks = [p.docname for p in pages if p.target.startswith("notebooks/")]
    docs = [p.docname for p in pages if p.target.startswith("docs/") or p.target == "readme.md"]
    blocks = []
    for caption, names in zip(CAPTIONS[lang], (notebooks, docs)):
        if names:
            entries = "\n".join(names)
            blocks.append(f"```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```\n")
    return "\n" + "\n".join(blocks)


def stage_page(root: Path, tree: Path, page: Page, rewriter: LinkRewriter) -> None:
    src, dest = root / page.source, tree / page.target
    dest.parent.mkdir(parents=True, exist_ok=True)
    if page.target.endswith(".ipynb"):
        notebook = json.loads(src.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cell["source"] = rewriter.markdown(text)
        dest.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        dest.write_text(rewriter.markdown(src.read_text(encoding="utf-8")), encoding="utf-8")


def stage(root: Path, out: Path) -> dict[str, Path]:
    """Write the source tree of each language under out/<lang>/; returns them by language."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    binder, github = binder_base(readme)
    pages = find_pages(root)
    trees = {}
    for lang in LANGUAGES:
        tree = out / lang
        if tree.exists():
            shutil.rmtree(tree)
        (tree / "_images_src").mkdir(parents=True)
        for image in LOCAL_IMAGES.values():
            shutil.copy(HERE / image, tree / "_images_src" / image)
        for page in pages[lang]:
            stage_page(root, tree, page, LinkRewriter(root, page, pages, github))
        index = tree / "index.md"
        landing = next(p for p in pages[lang] if p.target == "index.md")
        notice = NOTICE.get(lang, "") if landing.source in ("README.md", HOME["en"]) and lang != "en" else ""
        body = index.read_text(encoding="utf-8")
        index.write_text(_after_title(body, notice) + toctree(lang, pages[lang]), encoding="utf-8")
        meta = {"lang": lang, "binder": binder, "prefix": PREFIX,
                "pages": {p.docname: {"source": p.source, "twin": p.twin and posixpath.splitext(p.twin)[0]}
                          for p in pages[lang]}}
        (tree / "site.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        trees[lang] = tree
    return trees


def _after_title(markdown: str, notice: str) -> str:
    """Put a notice right below the page's first heading (or at the top, if it has none)."""
    if not notice:
        return markdown
    match = re.search(r"^# .*\n", markdown, re.MULTILINE)
    at = match.end() if match else 0
    return markdown[:at] + "\n" + notice + markdown[at:]
