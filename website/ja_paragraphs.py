"""Keep a Japanese paragraph whole on the site (docs/style.ja.md: one paragraph, one line).

Markdown turns a line break inside a paragraph into a space, which reads as a stray gap between
two Japanese characters (「その後は、 送った操作に…」). The sources are kept on one line
(tests/test_ja_style.py); this transform drops any break that is left, in the Japanese build only,
where both sides of it are Japanese (or Japanese punctuation). Code and raw HTML are left alone.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

JAPANESE = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f"
BREAK = re.compile(rf"(?<=[{JAPANESE}])[ \t]*\n[ \t]*(?=[{JAPANESE}])")
SKIP = (nodes.literal_block, nodes.literal, nodes.raw, nodes.math, nodes.math_block, nodes.comment)


class JoinJapaneseLines(SphinxTransform):
    default_priority = 700

    def apply(self, **kwargs) -> None:
        if not (self.config.language or "").startswith("ja"):
            return
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if "\n" not in text or parent is None or isinstance(parent, SKIP):
                continue
            # MyST makes a soft break its own Text node: look at the neighbours' characters too.
            # (By identity: Text is a str, and every "\n" node equals every other.)
            index = next(i for i, child in enumerate(parent.children) if child is text)
            before = parent[index - 1].astext()[-1:] if index > 0 else ""
            after = parent[index + 1].astext()[:1] if index + 1 < len(parent) else ""
            joined = BREAK.sub("", before + str(text) + after)[len(before):]
            joined = joined[:len(joined) - len(after)] if after else joined
            if joined != str(text):
                replacement = nodes.Text(joined)
                replacement.parent = parent
                parent.children[index] = replacement


def setup(app: Sphinx) -> dict:
    app.add_transform(JoinJapaneseLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
