"""The Japanese edition keeps step with the English one.

Every ``notebooks/NN_*.ipynb`` has a twin ``notebooks/ja/NN_*.ipynb`` that

* sends exactly the same HTTP: its code cells are the English ones, statement for statement, except
  for comments, strings written in Japanese (printed labels, answers typed in Japanese) and the
  ``cl.set_language("ja")`` call its first code cell makes. Both replay the same cassette, so nbval
  would also fail on a request the cassette does not hold; this test says *which cell* drifted;
* is prose in Japanese: every Markdown cell has Japanese in it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ENGLISH = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
JAPANESE_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")


def twin_of(path: Path) -> Path:
    return NOTEBOOKS / "ja" / path.name


def code_sources(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "code"]


def python_of(source: str) -> ast.Module:
    """The cell as Python (IPython's own transform turns %magics and !commands into calls)."""
    return ast.parse(TransformerManager().transform_cell(source))


def is_set_language(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and ast.unparse(statement.value.func).endswith("set_language"))


def differences(english: ast.AST, japanese: ast.AST, where: str = "") -> list[str]:
    """Where two syntax trees differ, other than a Japanese string standing for an English one."""
    if isinstance(japanese, ast.Constant) and isinstance(japanese.value, str):
        if isinstance(english, (ast.Constant, ast.JoinedStr)) and JAPANESE_TEXT.search(japanese.value):
            return []
    if isinstance(japanese, ast.JoinedStr) and isinstance(english, (ast.JoinedStr, ast.Constant)):
        # An f-string label may be reworded, but the values it shows must be the same ones.
        shown = lambda node: [ast.dump(v) for v in ast.walk(node) if isinstance(v, ast.FormattedValue)]
        if JAPANESE_TEXT.search(ast.unparse(japanese)) and shown(english) == shown(japanese):
            return []
    if type(english) is not type(japanese):
        return [f"{where}: {ast.unparse(english)!r} became {ast.unparse(japanese)!r}"]
    if isinstance(english, ast.Module):
        japanese = ast.Module(body=[s for s in japanese.body if not is_set_language(s)], type_ignores=[])
    found = []
    for name, value in ast.iter_fields(english):
        other = getattr(japanese, name, None)
        if isinstance(value, list):
            if not isinstance(other, list) or len(value) != len(other):
                return [f"{where}.{name}: {len(value)} items became {len(other or [])}"]
            for i, (a, b) in enumerate(zip(value, other)):
                if isinstance(a, ast.AST):
                    found += differences(a, b, f"{where}.{name}[{i}]")
                elif a != b:
                    found.append(f"{where}.{name}[{i}]: {a!r} became {b!r}")
        elif isinstance(value, ast.AST):
            found += differences(value, other, f"{where}.{name}")
        elif name not in ("lineno", "col_offset", "end_lineno", "end_col_offset", "kind") and value != other:
            found.append(f"{where}.{name}: {value!r} became {other!r}")
    return found


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_every_notebook_has_a_japanese_twin(english):
    assert twin_of(english).exists(), (
        f"{english.name} has no Japanese twin: write notebooks/ja/{english.name} (same code cells, "
        "Japanese prose), then `conoha-learn record notebooks/ja/{english.name}` to save its outputs")


def test_no_japanese_notebook_without_an_english_one():
    strays = sorted(p.name for p in (NOTEBOOKS / "ja").glob("*.ipynb")
                    if not (NOTEBOOKS / p.name).exists())
    assert not strays, f"Japanese notebooks with no English original: {strays}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_twin_sends_the_same_requests(english):
    twin = twin_of(english)
    if not twin.exists():
        pytest.skip("no twin yet (the test above fails for it)")
    ours, theirs = code_sources(english), code_sources(twin)
    assert len(ours) == len(theirs), (
        f"{twin.name} has {len(theirs)} code cells, {english.name} has {len(ours)}: a twin's code "
        "cells must be the English ones, one for one")
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        found = differences(python_of(a), python_of(b), f"code cell {number}")
        assert not found, (f"{twin.name}, code cell {number} no longer matches {english.name}:\n"
                           + "\n".join(found[:5]) + f"\n--- English:\n{a}\n--- Japanese:\n{b}")


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_twin_speaks_japanese(english):
    twin = twin_of(english)
    if not twin.exists():
        pytest.skip("no twin yet (the test above fails for it)")
    cells = nbformat.read(twin, as_version=4).cells
    english_only = [i for i, c in enumerate(cells, start=1)
                    if c.cell_type == "markdown" and not JAPANESE_TEXT.search(c.source)]
    assert not english_only, f"{twin.name}: Markdown cells {english_only} have no Japanese in them"
    first_code = next(c.source for c in cells if c.cell_type == "code")
    assert any(is_set_language(s) for s in python_of(first_code).body), (
        f"{twin.name}: its first code cell must call cl.set_language(\"ja\")")


def test_the_comparison_catches_a_changed_request():
    english = python_of('r = requests.get(f"{compute}/servers/detail", headers=h)\nprint("servers:", r.status_code)')
    same = python_of('r = requests.get(f"{compute}/servers/detail", headers=h)  # 一覧\nprint("サーバー数:", r.status_code)')
    other = python_of('r = requests.get(f"{compute}/servers", headers=h)\nprint("サーバー数:", r.status_code)')
    assert differences(english, same) == []
    assert differences(english, other)
