"""The library in Japanese: every message has its translation, and a learner gets it.

The catalog checks extract the messages from the source with Babel here, in the test, so a message
added without its Japanese fails the suite, whatever state the committed template is in.
"""

from __future__ import annotations

import fnmatch
import io
import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import conoha_learn as cl
from conoha_learn import connection, exercises, i18n

PACKAGE = Path(i18n.__file__).parent
ROOT = PACKAGE.parent
PO = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "conoha_learn.po"
MO = PO.with_suffix(".mo")
POT = PACKAGE / "locale" / "conoha_learn.pot"
# A str.format field: {name}, {name!r}, {seconds:g}; not the braces of a JSON example.
FIELD = re.compile(r"\{([A-Za-z_]\w*)(![rsa])?(:[^{}]*)?\}")


@pytest.fixture(autouse=True)
def language(monkeypatch):
    """Each test starts in the default language and leaves it so."""
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE, raising=False)
    monkeypatch.setattr(i18n, "_chosen", None)


def extracted() -> set[str]:
    """Every msgid in the package, as `make messages` extracts them (_(), N_(), ngettext)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = extract_from_dir(str(PACKAGE), [("**.py", "python")], keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def fields(text: str) -> set[tuple[str, ...]]:
    """The format fields of a message (a translation may use one twice, or in another order)."""
    return set(FIELD.findall(text))


# --- the catalog ------------------------------------------------------------------------------------

def test_every_message_has_a_japanese_translation():
    translated = {m.id for m in catalog() if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted() - translated)
    assert not missing, f"no Japanese for {len(missing)} message(s) (run `make messages`): {missing}"


def test_no_fuzzy_empty_or_stale_entries():
    entries = [m for m in catalog() if m.id]
    assert not catalog().fuzzy, "the catalog's header is marked fuzzy: pybabel compile would skip it"
    assert not [m.id for m in entries if m.fuzzy], "fuzzy entries: check and translate them"
    assert not [m.id for m in entries if not m.string], "entries without a translation"
    stale = {m.id for m in entries} - extracted()
    assert not stale, f"translations of messages the code no longer has: {sorted(stale)}"


def test_translations_keep_the_placeholders():
    differ = [(m.id, m.string) for m in catalog() if m.id and fields(m.id) != fields(m.string)]
    assert not differ, f"placeholders differ between msgid and msgstr: {differ}"


def test_the_template_is_up_to_date():
    with POT.open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert template == extracted(), "conoha_learn.pot is out of date: run `make messages`"


def test_the_committed_mo_is_the_compiled_po():
    compiled = io.BytesIO()
    write_mo(compiled, catalog())  # what `pybabel compile` writes
    assert MO.read_bytes() == compiled.getvalue(), "the .mo is stale: run `make messages`"


def test_the_catalogs_are_package_data():
    """setuptools ships the locale files: pyproject's patterns match each of them."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "tool"]["setuptools"]["package-data"]["conoha_learn"]
    for path in (PO, MO, POT):
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


# --- choosing the language --------------------------------------------------------------------------

def test_english_by_default():
    assert i18n.current_language() == "en"
    assert cl.check("00.mode", "sim").message == "well done."


def test_set_language_switches_and_back():
    assert cl.set_language("ja") is None  # a notebook cell ending with it shows nothing
    assert i18n.current_language() == "ja"
    assert cl.check("00.mode", "sim").message == "よくできました。"
    cl.set_language("en")
    assert cl.check("00.mode", "sim").message == "well done."


def test_set_language_wins_over_the_variable(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    assert i18n.current_language() == "ja"
    cl.set_language("EN")
    assert i18n.current_language() == "en"


@pytest.mark.parametrize("spelling", ["ja_JP.UTF-8", "ja-JP", " JA "])
def test_locale_spellings_of_japanese(spelling):
    cl.set_language(spelling)
    assert i18n.current_language() == "ja"


def test_unknown_language_is_a_clear_error(monkeypatch):
    with pytest.raises(ValueError, match=r"one of en, ja .*not 'fr'"):
        cl.set_language("fr")
    monkeypatch.setenv("CONOHA_LEARN_LANG", "klingon")
    with pytest.raises(ValueError, match="CONOHA_LEARN_LANG"):
        i18n.current_language()


# --- what a learner reads in Japanese ---------------------------------------------------------------

def test_check_answers_in_japanese(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    feedback = cl.check("00.mode", "live")
    assert not feedback
    assert feedback.message == "'live' には本物の ConoHa アカウントが必要です（料金もかかります）。"
    assert repr(feedback).startswith("✘ もう一息です（00.mode）: ")


def test_the_checked_feedback_reads_naturally(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    assert repr(cl.check("00.mode", "sim")) == "✔ 正解です（00.mode）: よくできました。"
    assert exercises.hint_text("00.mode").splitlines()[1].startswith("ヒント: モードは sim、replay、live、record")


def test_sim_port_error_says_what_is_wrong_and_what_to_do(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", "abc")
    monkeypatch.delenv("CONOHA_LEARN_MODE", raising=False)
    monkeypatch.setattr(connection, "_current", None)
    with pytest.raises(cl.ConfigError) as caught:
        cl.connect()
    error = caught.value
    assert error.message == "CONOHA_LEARN_SIM_PORT='abc' はポート番号（1〜65535）ではありません。"
    assert "1〜65535 の空いているポート番号（8766 など）を設定するか" in error.hint
    assert "削除してシミュレーターの通常のポート 8765 を使ってください" in error.hint
    assert str(error).splitlines()[1].startswith("ヒント: ")


def test_api_error_hints_in_japanese(monkeypatch):
    """A class-level hint is translated when the error is raised, in the language of that moment."""
    cl.set_language("ja")
    error = cl.errors.api_error(409, "Cannot 'stop' instance abc while it is in vm_state stopped")
    assert isinstance(error, cl.Conflict)
    assert error.hint == "サーバーは SHUTOFF（停止中）です。まず conn.compute.start(server) で起動してください。"
    assert "ヒント:" in str(error)
    cl.set_language("en")
    assert cl.errors.api_error(404, "no").hint.startswith("Nothing with that id exists")


def test_cli_help_in_japanese(monkeypatch, capsys):
    from conoha_learn.cli import build_parser

    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    with pytest.raises(SystemExit):  # --help prints, then exits
        build_parser().parse_args(["sim", "--help"])
    assert "ポート（既定 8765、0 なら空いているポート）" in capsys.readouterr().out


# --- answers typed through a Japanese IME -----------------------------------------------------------

@pytest.mark.parametrize("answer", ["ｓｉｍ", "ＳＩＭ", "\u3000sim\u3000", " ｓｉｍ\u3000"])
def test_full_width_and_ideographic_space_count(answer):
    assert cl.check("00.mode", answer)


@pytest.mark.parametrize("name, answer", [
    ("02.token-header", "Ｘ－Ｓｕｂｊｅｃｔ－Ｔｏｋｅｎ"),  # full-width hyphens too
    ("02.wrong-password-status", "４０１\u3000"),
    ("06.rest-call", "ＧＥＴ\u3000／servers／detail"),
    ("06.os-cloud", "ＯＳ＿ＣＬＯＵＤ"),
    ("08.idempotent", {"ｇｅｔ", "ＰＵＴ", "\u3000delete"}),
    ("08.retry-statuses", {"４２９", 503}),
])
def test_normalised_answers_in_the_other_exercises(name, answer):
    assert cl.check(name, answer)


def test_normalising_does_not_make_wrong_answers_right():
    assert not cl.check("00.mode", "ｌｉｖｅ")
    assert not cl.check("06.os-cloud", "ｏｓ＿ｃｌｏｕｄ")  # still the wrong case, after NFKC


def test_an_answer_that_cannot_be_judged_says_so_in_japanese(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    assert cl.check("00.mode", 3).message == 'モード名を文字列で答えてください（例: "live"）。'
    assert cl.check("00.mode", "\u3000").message == 'モード名を文字列で答えてください（例: "live"）。'
    assert cl.check("08.retry-statuses", 503).message.startswith("ステータスコードを数値の集合で")
    monkeypatch.setattr(connection, "_current", None)
    assert cl.check("01.boot-volumes", "volumev3").message.startswith("先に接続してください")


def test_labels_a_learner_sees_in_japanese(monkeypatch):
    """Where credentials came from and cleanup's lines are Japanese too (no English left over)."""
    from conoha_learn.cleanup import CleanupReport
    from conoha_learn.config import Credentials, from_env

    monkeypatch.setenv("CONOHA_LEARN_LANG", "ja")
    assert Credentials().source == "引数"
    assert from_env({"OS_AUTH_URL": "http://127.0.0.1:1/v3"}).source == "OS_* 環境変数"
    report = str(CleanupReport(containers=["photos (2 objects)"], images=["snap-1"]))
    assert "  - コンテナ photos" in report and "  - イメージ snap-1" in report
    assert "container" not in report and "image " not in report


def test_lab_speaks_the_language_it_was_given(monkeypatch, capsys):
    """`make lab-ja`: the launcher's own lines are Japanese, not only the notebooks'."""
    from conoha_learn import lab

    monkeypatch.delenv("CONOHA_LEARN_LANG", raising=False)
    monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name: None)  # no JupyterLab here
    try:
        assert lab.run([], language="ja") == 2
    finally:
        cl.set_language("en")
    assert "JupyterLab がインストールされていません" in capsys.readouterr().err
