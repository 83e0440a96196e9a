"""Join hard-wrapped Japanese paragraphs back into one line each (docs/style.ja.md).

A line break between two Japanese characters shows as a stray space in JupyterLab and on the site,
so a Japanese paragraph is written on one line. This script finds the wrapped ones in Markdown
files (``*.ja.md``) and in the Markdown cells of notebooks (``notebooks/ja/*.ipynb``) and joins
them. It joins

* the lines of a paragraph, and the continuation lines of one list item (never two items);

and never touches code fences, math blocks, tables, headings, HTML blocks, block quotes, link
definitions or a line ending in a Markdown hard break (two spaces or a backslash). Two Japanese
characters, or a line end or start that is Japanese punctuation, are joined with nothing; anything
else (Japanese next to Latin text or code) with one space, as the spacing rule asks.

Usage::

    python tools/ja_join_lines.py FILE...          # rewrite the files in place
    python tools/ja_join_lines.py --check FILE...  # list the breaks, change nothing (exit 1 if any)

Notebook cells keep their outputs and metadata; only Markdown sources change.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

# Kana, CJK ideographs, CJK punctuation and full-width forms count as Japanese.
JAPANESE = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uff61-\uff9f"
JAPANESE_CHAR = re.compile(f"[{JAPANESE}]")
# Punctuation and brackets never take a space beside them.
PUNCTUATION = set("、。，．・：；？！「」『』（）［］【】〈〉《》…")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
NOT_PROSE = re.compile(r"^\s*(?:#|\||<|>|\$\$|\[[^\]]+\]:\s|(?:-{3,}|\*{3,}|_{3,})\s*$)")


def _joinable(before: str, after: str) -> bool:
    return bool(before) and bool(after) and (JAPANESE_CHAR.match(before[-1]) is not None
                                             or JAPANESE_CHAR.match(after[0]) is not None)


def _glue(before: str, after: str) -> str:
    """What goes between two joined lines: nothing beside Japanese on both sides or punctuation."""
    last, first = before[-1], after[0]
    if last in PUNCTUATION or first in PUNCTUATION:
        return ""
    if JAPANESE_CHAR.match(last) and JAPANESE_CHAR.match(first):
        return ""
    return " "


def _blocks(lines: list[str]) -> list[tuple[str, list[int]]]:
    """Group line numbers into ("prose", [...]) runs that may be joined, and ("other", [...])."""
    blocks: list[tuple[str, list[int]]] = []
    fence = ""
    math = html = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        opener = FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not line.strip()[len(opener.group(1)):].strip():
                fence = ""
            blocks.append(("other", [i]))
            continue
        if opener:
            fence = opener.group(1)
            blocks.append(("other", [i]))
            continue
        if math:
            math = stripped != "$$"
            blocks.append(("other", [i]))
            continue
        if html:
            html = bool(stripped)
            blocks.append(("other", [i]))
            continue
        if not stripped:
            blocks.append(("other", [i]))
            continue
        if stripped == "$$" or (stripped.startswith("$$") and not stripped.endswith("$$")):
            math = True
            blocks.append(("other", [i]))
            continue
        if stripped.startswith("<"):
            html = True
            blocks.append(("other", [i]))
            continue
        if NOT_PROSE.match(line):
            blocks.append(("other", [i]))
            continue
        previous = blocks[-1] if blocks else None
        starts_item = LIST_ITEM.match(line) is not None
        if previous and previous[0] == "prose" and not starts_item:
            last = lines[previous[1][-1]]
            in_item = LIST_ITEM.match(lines[previous[1][0]]) is not None
            # A list item continues only on an indented line; a paragraph on any line.
            if not last.endswith(("  ", "\\")) and (not in_item or line[:1].isspace()):
                previous[1].append(i)
                continue
        blocks.append(("prose", [i]))
    return blocks


def breaks(markdown: str) -> list[tuple[int, str]]:
    """(1-based line number, line) of each line that ends inside a prose block next to Japanese."""
    lines = markdown.split("\n")
    found = []
    for kind, numbers in _blocks(lines):
        if kind != "prose":
            continue
        for a, b in zip(numbers, numbers[1:]):
            before, after = lines[a].rstrip(), lines[b].strip()
            if _joinable(before, after) and _glue(before, after) == "":
                found.append((a + 1, lines[a]))
    return found


def join(markdown: str) -> str:
    """The Markdown with every prose block that has Japanese in it on one line."""
    lines = markdown.split("\n")
    out: list[str] = []
    for kind, numbers in _blocks(lines):
        if kind != "prose" or len(numbers) == 1 \
                or not any(JAPANESE_CHAR.search(lines[n]) for n in numbers):
            out.extend(lines[n] for n in numbers)
            continue
        text = lines[numbers[0]].rstrip()
        for n in numbers[1:]:
            after = lines[n].strip()
            text += _glue(text, after) + after
        out.append(text)
    return "\n".join(out)


def _notebook_sources(notebook: dict) -> list[tuple[int, str]]:
    return [(i, "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
            for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "markdown"]


def fix_file(path: Path, check: bool) -> list[str]:
    """Join (or, with check, only report) the breaks in one file; returns what it found."""
    text = path.read_text(encoding="utf-8")
    report = []
    if path.suffix == ".ipynb":
        notebook = json.loads(text)
        for index, source in _notebook_sources(notebook):
            report += [f"{path}: cell {index} line {n}: {line.strip()[:60]}"
                       for n, line in breaks(source)]
            if not check:
                joined = join(source)
                if joined != source:
                    notebook["cells"][index]["source"] = joined.splitlines(keepends=True)
        new = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    else:
        report += [f"{path}: line {n}: {line.strip()[:60]}" for n, line in breaks(text)]
        new = join(text)
    if not check and new != text:
        path.write_text(new, encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list the breaks")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    found = [line for path in args.files for line in fix_file(path, args.check)]
    print("\n".join(found) if found else "no line breaks inside Japanese paragraphs")
    return 1 if (found and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
