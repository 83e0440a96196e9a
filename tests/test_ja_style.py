"""The Japanese edition follows its style sheet, docs/style.ja.md (the mechanical part of it).

* A Japanese paragraph is one line: no line break between two Japanese characters in the Markdown
  of a twin (``notebooks/ja/``), ``README.ja.md``, ``docs/*.ja.md`` or ``benchmarks/README.ja.md``
  (code, tables, headings and separate list items aside). ``tools/ja_join_lines.py`` fixes them.
  Joining them changes no block of the Markdown (checked with a CommonMark parser).
* The spellings the style sheet's table "使わない表記" rejects appear nowhere in that prose nor in
  the .po's msgstrs: one word per idea, one form of section reference (「3 節」), of colon (「: 」),
  of counter (「2 回」), of exercise label. The table is read from the style sheet itself, so the
  sheet is the one source of the rules.
* A notebook's title reads ``# NN · 題名``, and a link whose text starts with a notebook's number
  says exactly that title.
* The site keeps a Japanese paragraph whole too, even where a source still has a break.

Each message names the file, the cell (number and id) and the line, and says the form to use.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "docs" / "style.ja.md"
TWINS = sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb"))
DOCS = [ROOT / "README.ja.md", *sorted((ROOT / "docs").glob("*.ja.md")),
        ROOT / "benchmarks" / "README.ja.md"]
PO = ROOT / "conoha_learn" / "locale" / "ja" / "LC_MESSAGES" / "conoha_learn.po"
FILES = [p for p in [*TWINS, *DOCS] if p.exists()]


def _load_joiner():
    spec = importlib.util.spec_from_file_location("ja_join_lines", ROOT / "tools" / "ja_join_lines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


joiner = _load_joiner()


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def markdown_parts(path: Path) -> list[tuple[str, str]]:
    """(where, Markdown) for each Markdown cell of a notebook, or the whole of a .md file."""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [(f"{rel(path)} cell {i} (id {cell.get('id', '?')})", cell.source)
                for i, cell in enumerate(notebook.cells) if cell.cell_type == "markdown"]
    return [(rel(path), path.read_text(encoding="utf-8"))]


def msgstrs() -> list[tuple[str, str]]:
    """(where, text) for every msgstr of the Japanese catalog."""
    found, current, start = [], None, 0
    for number, line in enumerate(PO.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr "):
            current, start = [line[len("msgstr "):]], number
        elif current is not None and line.startswith('"'):
            current.append(line)
        else:
            if current is not None:
                found.append((f"{rel(PO)} line {start}", "".join(s[1:-1] for s in current)))
            current = None
    if current is not None:
        found.append((f"{rel(PO)} line {start}", "".join(s[1:-1] for s in current)))
    return [(where, text) for where, text in found if text]


def without_code(markdown: str) -> str:
    """Prose only: inline code, URLs and non-Mermaid fences removed (their words are not ours)."""
    kept, fence = [], ""
    for line in markdown.split("\n"):
        opener = joiner.FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0]:
                fence = ""
            kept.append("")
            continue
        if opener:
            info = line.strip()[len(opener.group(1)):].strip()
            fence = "" if info.startswith("mermaid") else opener.group(1)
            kept.append("")
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"`[^`\n]*`", "``", text)
    return re.sub(r"\]\([^)\s]*\)|<https?://[^>]*>|https?://\S+", "]()", text)


# --- the style sheet's table ------------------------------------------------------------------

def rejected_spellings() -> list[tuple[re.Pattern, str, list[str]]]:
    """(pattern, preferred, exceptions) for each row of the table under "## 使わない表記"."""
    section = STYLE.read_text(encoding="utf-8").split("## 使わない表記", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        pattern = cells[0][1:-1].replace("\\|", "|")  # Markdown's escaped pipe is the regex's "or"
        exceptions = re.findall(r"`([^`]+)`", cells[2])
        rows.append((re.compile(pattern, re.M), cells[1].replace("\\|", "|"), exceptions))
    return rows


RULES = rejected_spellings()


def test_the_style_sheet_has_its_table():
    assert len(RULES) >= 20, "docs/style.ja.md lost its table 使わない表記"
    assert any(p.search("レスポンスの答えの中") for p, _, _ in RULES)


def rule_violations(where: str, text: str) -> list[str]:
    found = []
    for pattern, preferred, exceptions in RULES:
        masked = text
        for allowed in exceptions:
            masked = masked.replace(allowed, "\0" * len(allowed))
        for match in pattern.finditer(masked):
            line = masked.count("\n", 0, match.start()) + 1
            context = text[max(0, match.start() - 12):match.end() + 12].replace("\n", "⏎")
            found.append(f"{where} line {line}: 「{match.group(0)}」 → {preferred}   …{context}…")
    return found


@pytest.mark.parametrize("path", [p for p in FILES if p != STYLE], ids=rel)
def test_no_rejected_spelling(path):
    found = [v for where, md in markdown_parts(path) for v in rule_violations(where, without_code(md))]
    assert not found, ("spellings docs/style.ja.md rejects (table 使わない表記; use the right-hand "
                       "form):\n" + "\n".join(found))


def test_no_rejected_spelling_in_the_messages():
    found = [v for where, text in msgstrs() for v in rule_violations(where, text)]
    assert not found, ("msgstrs with spellings docs/style.ja.md rejects (edit the msgstr, then "
                       "`make messages`):\n" + "\n".join(found))


# --- one paragraph, one line -----------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=rel)
def test_no_line_break_inside_a_japanese_paragraph(path):
    found = [f"{where} line {n}: {line.strip()[:50]}…"
             for where, md in markdown_parts(path) for n, line in joiner.breaks(md)]
    assert not found, (f"line breaks between two Japanese characters (they show as a stray space); "
                       f"fix: `python tools/ja_join_lines.py {rel(path)}`:\n" + "\n".join(found))


@pytest.mark.parametrize("source, joined", [
    ("その後は、\n送った操作に応じて変わります。", "その後は、送った操作に応じて変わります。"),
    ("最後は `DELETE` で\n終わります。", "最後は `DELETE` で終わります。"),
    ("ボディは\n`json` です。", "ボディは `json` です。"),
    ("1. 最初の項目で、\n   続きです。\n2. 次の項目", "1. 最初の項目で、続きです。\n2. 次の項目"),
    ("| 表 |\n| の行 |", "| 表 |\n| の行 |"),
    ("```\nコードの\n行\n```", "```\nコードの\n行\n```"),
    ("## 見出し\n本文です。", "## 見出し\n本文です。"),
    ("- 項目 1\n- 項目 2", "- 項目 1\n- 項目 2"),
    ("English line\nand more.", "English line\nand more."),
    ("改行したい行  \n次の行", "改行したい行  \n次の行"),
])
def test_the_joiner(source, joined):
    assert joiner.join(source) == joined
    assert not joiner.breaks(joiner.join(source))


def block_structure(markdown: str) -> list[tuple]:
    """The Markdown's blocks as CommonMark parses them; inline text without its whitespace."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    return [("inline", re.sub(r"\s+", "", t.content)) if t.type == "inline"
            else (t.type, t.tag, t.nesting, t.content if t.type in ("fence", "html_block") else "")
            for t in parser.parse(markdown)]


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_joining_keeps_every_block(path):
    """The joiner only removes line breaks: every heading, list, table, fence stays as it was."""
    pytest.importorskip("markdown_it")
    changed = [where for where, md in markdown_parts(path)
               if block_structure(joiner.join(md)) != block_structure(md)]
    assert not changed, f"tools/ja_join_lines.py would change the structure of: {changed}"


# --- titles and the links to them ------------------------------------------------------------

NOTEBOOK_LINK = re.compile(r"\[(\d\d[ ·:][^\]]*)\]\(([^)\s]*?(\d\d_[a-z0-9_]+)\.ipynb)[^)]*\)")


def title_of(name: str) -> str:
    notebook = nbformat.read(ROOT / "notebooks" / "ja" / f"{name}.ipynb", as_version=4)
    return notebook.cells[0].source.split("\n", 1)[0].lstrip("#").strip()


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_links_say_the_notebook_title(path):
    found = []
    for where, md in markdown_parts(path):
        for match in NOTEBOOK_LINK.finditer(md):
            text, name = match.group(1), match.group(3)
            if (ROOT / "notebooks" / "ja" / f"{name}.ipynb").exists() and text != title_of(name):
                found.append(f"{where}: [{text}] → write [{title_of(name)}] (the title of {name})")
    assert not found, "link text differs from the notebook's title:\n" + "\n".join(found)


@pytest.mark.parametrize("path", TWINS, ids=rel)
def test_title_form(path):
    title = nbformat.read(path, as_version=4).cells[0].source.split("\n", 1)[0]
    assert re.fullmatch(r"# \d\d · \S.*", title), (
        f"{rel(path)} cell 0: title {title!r}; write it as '# {path.name[:2]} · 題名'")


# --- the site -------------------------------------------------------------------------------

def test_the_site_keeps_a_japanese_paragraph_whole(tmp_path):
    """A Sphinx build with the site's transform shows no space where a source line broke."""
    sphinx_build = pytest.importorskip("sphinx.cmd.build")
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'website')!r})\n"
        "extensions = ['myst_parser', 'ja_paragraphs']\nlanguage = 'ja'\n", encoding="utf-8")
    (source / "index.md").write_text(
        "# 題\n\nPython\nは、その後は、\n送った操作に応じて変わり、最後は `DELETE` で\n終わります。\n\n"
        "English words\nstay apart.\n", encoding="utf-8")  # a kept break first: nodes equal as str
    out = tmp_path / "html"
    assert sphinx_build.build_main(["-q", "-b", "html", str(source), str(out)]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "その後は、送った操作に応じて変わり、最後は" in html
    assert "で終わります" in html and "で\n終わります" not in html
    assert "English words\nstay apart." in html  # a break between Latin words stays a space

