"""The site's Sphinx extension: Mermaid diagrams drawn in the browser, the language switch, launch links.

Mermaid: ```mermaid fences (MyST turns them into this `mermaid` directive, see conf.py) become
`<pre class="mermaid">`, which mermaid.min.js, served from the site itself, draws as SVG when the
page loads. It is a classic script, not an ES module, so the diagrams are drawn even when a page
is opened straight from the disk (file://), where browsers refuse to load modules.

Each page's context gets `cl_switch` (the same page in the other language, or that language's
landing page when the page is not translated yet) and, on notebook pages, `cl_launch` (Binder, the
browser edition in lite/ beside the site, and the local `make lab`); _templates/layout.html shows
them above the page.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

MERMAID_JS = ("mermaid.min.js", "mermaid-init.js")

TEXT = {
    "en": {"switch": "日本語", "missing": "日本語 (not translated yet: the Japanese course)",
           "binder": "Launch on Binder", "local": "or run it on your computer: ",
           "local_link": "make lab", "lite": "Try it in your browser"},
    "ja": {"switch": "English", "missing": "English（このページの英語版はありません: 英語版のトップへ）",
           "binder": "Binder で起動", "local": "自分のパソコンで動かすには ",
           "local_link": "make lab", "lite": "ブラウザーで試す"},
}


class MermaidDirective(Directive):
    """The diagram's source, for mermaid.min.js to draw in the browser."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        source = html.escape("\n".join(self.content))
        return [nodes.raw("", f'<pre class="mermaid">{source}</pre>\n', format="html")]


def _site(app: Sphinx) -> dict:
    return json.loads((Path(app.srcdir) / "site.json").read_text(encoding="utf-8"))


def _other_build_url(pagename: str, lang: str, prefix: dict[str, str], docname: str) -> str:
    """A URL, relative to `pagename` in build `lang`, of `docname` in the other build."""
    other = "ja" if lang == "en" else "en"
    up = "../" * (pagename.count("/") + prefix[lang].count("/"))
    return f"{up}{prefix[other]}{docname}.html"


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    site = _site(app)
    lang, text = site["lang"], TEXT[site["lang"]]
    page = site["pages"].get(pagename)
    if page is None:  # Sphinx's own pages (search, genindex): to the other landing page
        twin = None
    else:
        twin = page["twin"]
    context["cl_switch"] = {
        "url": _other_build_url(pagename, lang, site["prefix"], twin or "index"),
        "label": text["switch"] if twin or page is None else text["missing"],
        "lang": "ja" if lang == "en" else "en",
        "translated": bool(twin),
    }
    if page and page["source"].endswith(".ipynb"):
        context["cl_launch"] = {
            "binder": site["binder"] + page["source"], "binder_label": text["binder"],
            "local": text["local"], "local_link": text["local_link"],
            # The browser edition (`make lite`), copied into the site's lite/ folder by build.py.
            "lite": "../" * (pagename.count("/") + site["prefix"][lang].count("/"))
                    + "lite/lab/index.html?path=" + page["source"].removeprefix("notebooks/"),
            "lite_label": text["lite"],
            # The landing page (the README) opens with `make lab`.
            "local_url": posixpath.relpath("index.html", posixpath.dirname(pagename) or "."),
        }
    if doctree is not None and any('class="mermaid"' in n.astext() for n in doctree.findall(nodes.raw)):
        for name in MERMAID_JS:
            app.add_js_file(name)


def setup(app: Sphinx) -> dict:
    app.add_directive("mermaid", MermaidDirective)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
