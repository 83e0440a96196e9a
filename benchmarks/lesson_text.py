"""What a notebook asks of a learner besides waiting: its sections, words to read, code, exercises.

Counts only; the rates that turn them into seconds are in `Rates` (every number with its source,
also in benchmarks/README.md). lesson_times.py adds the measured execution times.

A section starts at a ``## N.`` heading (anywhere in a Markdown cell: one cell may hold two).
Text before the first one (title, overview, prerequisites) is the section ``intro``; unnumbered
``##`` headings after a numbered section (summary, what next) start the section ``end``.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

# Kana, CJK ideographs, CJK punctuation and full-width forms: what a Japanese reader's 字/分 counts.
JAPANESE_CHAR = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]")
WORD = re.compile(r"[A-Za-z0-9]")
HEADING = re.compile(r"^##\s+(?:(\d+)\.\s*)?(.*)$")
EXERCISE_HEADING = re.compile(r"^\s*(?:#{2,4}\s*|\*\*)(?:Exercise|演習)", re.IGNORECASE)
# A "build" exercise says so in its heading (SESSION3: "### Exercise N: build ...", 「…を作って」).
BUILD = re.compile(r"\bbuild|作って|作る|作成して|組み立て", re.IGNORECASE)


@dataclass(frozen=True)
class Rates:
    """Reading and doing rates. Each default is sourced in its comment (and in the README).

    The timings are measured inputs × these rates: the counts and the execution seconds are
    measured; the rates are published averages or, where none exists, our stated allowances.
    """

    # English prose. Brysbaert (2019, J. Memory and Language 109:104047): adults' silent reading
    # of English non-fiction, L1, averages 238 wpm. Readers with English as a second language read
    # slower: Segalowitz, Poulsen & Komoda (1991) found even highly bilingual readers 30% or more
    # slower in L2 (≈167 wpm); studies of Japanese and Korean university EFL readers put them near
    # 100 wpm (Jensen 1986, as reviewed by Busbee 2001, English Teaching 56(2)). Many seminar
    # attendees read English as L2: we take 130 wpm, between those two L2 figures.
    english_wpm: float = 130.0
    # Japanese prose, in 字/分 (every kana, kanji and full-width character). The figure usually
    # quoted for Japanese adults is about 600字/分 (SP速読学院's survey: two in three read 400-800;
    # 森田愛子 (Hiroshima University) gives 500-800). Technical text, read to be able to act on
    # it, goes at the lower end: we take 500字/分. Latin-script words inside Japanese text (API
    # names, code spans) are counted as English words at english_wpm.
    japanese_cpm: float = 500.0
    # Code in a cell, in whitespace-separated tokens. No published rate exists for reading notebook
    # code; code is read less linearly than prose (Busjahn et al. 2015, ICPC), so we allow it the
    # L2 prose rate, no faster: our allowance.
    code_tokens_pm: float = 130.0
    # Running a code cell and looking at what it shows (Shift+Enter, read the table or the
    # transcript): our allowance per code cell, on top of reading its code and its measured time.
    per_cell_s: float = 15.0
    # Typing what an exercise wants beyond its learner cell. Dhakal et al. (2018, CHI, "Observations
    # on Typing from 136 Million Keystrokes") measured 52 wpm ≈ 260 characters/min on English
    # sentences; code has symbols and brackets: we allow half, 130 characters/min.
    typing_cpm: float = 130.0
    # Thinking, trying, reading the checker's feedback, trying again: our allowance per exercise.
    recall_exercise_s: float = 120.0  # a question answered with a value (a status, a header name)
    build_exercise_s: float = 300.0   # a request to write and send, a call to fix, a resource to make

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass
class Exercise:
    heading: str
    build: bool
    typed_chars: int


@dataclass
class Section:
    key: str                      # "intro", "1", "2", ..., "end"
    title: str
    english_words: int = 0        # in Markdown (Latin-script words, also those inside Japanese text)
    japanese_chars: int = 0
    code_cells: list[int] = field(default_factory=list)  # indexes among the notebook's code cells
    code_tokens: int = 0
    exercises: list[Exercise] = field(default_factory=list)

    def read_s(self, rates: Rates) -> float:
        return 60 * (self.english_words / rates.english_wpm + self.japanese_chars / rates.japanese_cpm)

    def code_s(self, rates: Rates) -> float:
        return 60 * self.code_tokens / rates.code_tokens_pm + rates.per_cell_s * len(self.code_cells)

    def exercise_s(self, rates: Rates) -> float:
        return sum((rates.build_exercise_s if e.build else rates.recall_exercise_s)
                   + 60 * e.typed_chars / rates.typing_cpm for e in self.exercises)


def source_sha(source: str) -> str:
    """A short fingerprint of a code cell: measured times are reused only for the same code."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def count_prose(markdown: str) -> tuple[int, int]:
    """(Latin-script words, Japanese characters) a reader reads in ``markdown``.

    Link targets, HTML tags and comments, and tokens with no letter or digit (table rules, ``#``,
    ``|``) are not read; a link's text and an inline code span are.
    """
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)   # [text](url) -> text
    text = re.sub(r"<[^>]+>", " ", text)
    japanese = len(JAPANESE_CHAR.findall(text))
    words = sum(1 for token in JAPANESE_CHAR.sub(" ", text).split() if WORD.search(token))
    return words, japanese


def _split_by_headings(markdown: str) -> list[tuple[re.Match | None, str]]:
    """The cell's text cut at its ``##`` headings: (heading match or None, text from it on)."""
    parts: list[tuple[re.Match | None, list[str]]] = [(None, [])]
    fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        match = None if fence else HEADING.match(line)
        if match:
            parts.append((match, []))
        parts[-1][1].append(line)
    return [(m, "\n".join(lines)) for m, lines in parts if m is not None or lines]


def _exercise_heading(cells: list[Any], solution_index: int) -> str:
    """The heading line of the exercise whose solution is cell ``solution_index``."""
    for cell in reversed(cells[:solution_index]):
        if cell.cell_type != "markdown":
            continue
        for line in reversed(cell.source.splitlines()):
            if EXERCISE_HEADING.match(line):
                return line.strip()
    return ""


def _typed_chars(solution: str, learner: str) -> int:
    """Characters of the solution's code lines that the learner cell does not already hold."""
    given = {line.strip() for line in learner.splitlines()}
    return sum(len(line.strip()) for line in solution.splitlines()
               if line.strip() and not line.strip().startswith("#") and line.strip() not in given)


def tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def sections_of(notebook: Any) -> list[Section]:
    """The notebook's sections, each with what it asks the learner to read, run and do."""
    sections = [Section("intro", "")]
    cells = notebook.cells
    code_index = -1
    last_learner_source = ""
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            for heading, text in _split_by_headings(cell.source):
                if heading is not None:
                    number, title = heading.group(1), heading.group(2).strip()
                    if number:
                        sections.append(Section(number, title))
                    elif sections[-1].key not in ("intro", "end"):
                        sections.append(Section("end", title))
                    elif not sections[-1].title:
                        sections[-1].title = title
                words, japanese = count_prose(text)
                sections[-1].english_words += words
                sections[-1].japanese_chars += japanese
            continue
        if cell.cell_type != "code":
            continue
        code_index += 1
        if not cell.source.strip():
            continue
        section = sections[-1]
        section.code_cells.append(code_index)
        section.code_tokens += len(cell.source.split())
        if "solution" in tags(cell):
            heading = _exercise_heading(cells, i)
            section.exercises.append(Exercise(heading, bool(BUILD.search(heading)),
                                              _typed_chars(cell.source, last_learner_source)))
        else:
            last_learner_source = cell.source
    return sections


def minutes_line(seconds: float, step: int = 5) -> int:
    """The minutes a notebook's time line states: the total rounded up to ``step`` minutes."""
    return max(step, step * math.ceil(seconds / 60 / step - 1e-9))
