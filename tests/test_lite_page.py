"""What the library does differently in a browser tab (Pyodide): the notebooks' notices, the
example public key, and the plain tables used when pandas cannot be loaded.

A page is imitated here by ``sys.platform = "emscripten"`` and by hiding pandas; the Chromium test
(tests/test_lite_browser.py) runs the real thing.
"""

from __future__ import annotations

import importlib.util
import json
import posixpath
import sys

import pytest

import conoha_learn as cl
from conoha_learn import browser, compute, connection, i18n, inprocess, local_sim


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setattr(inprocess.sys, "platform", "emscripten")
    yield monkeypatch
    i18n.set_language("en")


def test_outside_a_page_the_notice_says_nothing(capsys):
    cl.browser_tab_notice("06_python_openstackclient")
    cl.browser_tab_notice("09_object_storage")
    assert capsys.readouterr() == ("", "") and not cl.in_browser_tab()


def test_a_notebook_that_cannot_run_stops_with_where_to_run_it(page):
    with pytest.raises(browser.NotInABrowserTab) as stopped:
        cl.browser_tab_notice("06_python_openstackclient")
    shown = stopped.value._render_traceback_()
    assert len(shown) == 1 and "openstack command" in shown[0] and "make lab" in shown[0]
    assert "notebooks/06_python_openstackclient.ipynb" in shown[0]  # its Binder link
    with pytest.raises(browser.NotInABrowserTab, match="openstacksdk"):
        cl.browser_tab_notice("07_sdks_and_real_tools.ipynb")


def test_in_japanese_with_the_japanese_notebook_on_binder(page):
    cl.set_language("ja")
    with pytest.raises(browser.NotInABrowserTab) as stopped:
        cl.browser_tab_notice("06_python_openstackclient")
    text = str(stopped.value)
    assert "ブラウザー" in text and "notebooks/ja/06_python_openstackclient.ipynb" in text


def test_a_notebook_that_mostly_runs_only_says_which_part_does_not(page, capsys):
    cl.browser_tab_notice("09_object_storage")
    assert "every cell before it works here" in capsys.readouterr().out
    cl.browser_tab_notice("05_a_servers_life")  # all of it runs in a page
    assert capsys.readouterr().out == ""


def test_the_example_public_key_imports(sim, tmp_path):
    conn = cl.connect(sim=sim)
    public_file = cl.example_public_key(tmp_path / "laptop-key.pub")
    assert public_file.read_text().split()[0] == "ssh-ed25519"
    imported = conn.compute.import_keypair("laptop-key", public_file)
    assert imported["name"] == "laptop-key" and imported["fingerprint"]
    connection._current = None


@pytest.fixture
def tables_without_pandas(monkeypatch):
    """A copy of conoha_learn.tables loaded where `import pandas` fails, as in an offline page."""
    monkeypatch.setitem(sys.modules, "pandas", None)  # None in sys.modules: ImportError
    monkeypatch.setitem(sys.modules, "conoha_learn.dataframe", None)  # loaded before, maybe
    spec = importlib.util.spec_from_file_location("conoha_learn._tables_without_pandas",
                                                  compute.__file__.replace("compute.py", "tables.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._table_class() is None
    return module


def test_without_pandas_a_plain_table_with_the_same_columns(tables_without_pandas, monkeypatch,
                                                           capsys):
    t = tables_without_pandas.table([{"name": "web-1", "status": "ACTIVE", "extra": 1},
                                     {"name": "a-much-longer-name", "status": None}],
                                    ["name", "status"])
    assert list(t.columns) == ["name", "status"] and len(t) == 2 and not t.empty
    assert t["name"] == ["web-1", "a-much-longer-name"]
    assert str(t).splitlines() == ["name                status",
                                   "web-1               ACTIVE",
                                   "a-much-longer-name"]
    html = t._repr_html_()
    assert html.count("<tr>") == 3 and "<th>status</th>" in html
    told = capsys.readouterr().err
    assert "pandas cannot be loaded here" in told
    tables_without_pandas.table([], ["name"])  # said once only
    assert capsys.readouterr().err == ""


def test_without_pandas_the_librarys_lists_still_show(sim, tables_without_pandas, monkeypatch):
    monkeypatch.setattr(compute, "table", tables_without_pandas.table)
    conn = cl.connect(sim=sim)
    flavors = conn.compute.flavors()
    assert isinstance(flavors, tables_without_pandas.PlainTable)
    assert "g2l-t-c2m1" in flavors["name"] and "g2l-t-c2m1" in str(flavors)
    connection._current = None


def test_the_real_table_is_pandas_on_cpython(sim):
    import pandas as pd
    conn = cl.connect(sim=sim)
    assert isinstance(conn.compute.flavors(), pd.DataFrame)
    connection._current = None
    local_sim.stop_embedded()


@pytest.mark.parametrize("lang, source, expected", [
    ("en", "notebooks/05_a_servers_life.ipynb", "../lite/lab/index.html?path=05_a_servers_life.ipynb"),
    ("ja", "notebooks/ja/05_a_servers_life.ipynb",
     "../../lite/lab/index.html?path=ja/05_a_servers_life.ipynb"),
])
def test_every_notebook_page_has_a_browser_link_into_lite(tmp_path, lang, source, expected):
    """website/site_ext.py: next to Binder, the same notebook in the browser edition (build/site/lite/)."""
    import types
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "website"))
    import site_ext

    (tmp_path / "site.json").write_text(json.dumps({
        "lang": lang, "binder": "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/",
        "prefix": {"en": "", "ja": "ja/"}, "lite": True,
        "pages": {"notebooks/05_a_servers_life": {"source": source, "twin": None}}}))
    context: dict = {}
    site_ext.page_context(types.SimpleNamespace(srcdir=str(tmp_path)), "notebooks/05_a_servers_life",
                          "page.html", context, None)
    launch = context["cl_launch"]
    assert launch["lite"] == expected
    assert launch["lite_label"] == {"en": "Try it in your browser", "ja": "ブラウザーで試す"}[lang]
    # From the page's folder, the link reaches the lite build beside the site's two languages.
    page_dir = posixpath.join("build/site", "ja" if lang == "ja" else "", "notebooks")
    assert posixpath.normpath(posixpath.join(page_dir, expected.split("?")[0])) == \
        "build/site/lite/lab/index.html"

    # A site built without `make lite` has no lite/ folder: no link that leads nowhere.
    meta = json.loads((tmp_path / "site.json").read_text())
    (tmp_path / "site.json").write_text(json.dumps(dict(meta, lite=False)))
    context = {}
    site_ext.page_context(types.SimpleNamespace(srcdir=str(tmp_path)), "notebooks/05_a_servers_life",
                          "page.html", context, None)
    assert "lite" not in context["cl_launch"] and context["cl_launch"]["binder"]


def test_the_build_makes_a_pure_wheel_from_an_sdist_leaving_c_out(tmp_path):
    """lite/build.py: MarkupSafe and PyYAML exist for Pyodide only compiled; their Python half is
    rebuilt as a py3-none-any wheel, which Pyodide installs and imports like any other."""
    import io
    import tarfile
    import zipfile
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "lite" / "build.py"  # a script, not a package
    spec = importlib.util.spec_from_file_location("lite_build", path)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)

    sdist = tmp_path / "speedy-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for name, text in {"speedy-1.0/src/speedy/__init__.py": "VALUE = 1\n",
                           "speedy-1.0/src/speedy/_speedups.c": "/* C */\n",
                           "speedy-1.0/setup.py": "\n"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text.encode()))
    wheel = build.pure_wheel(sdist, "speedy", "1.0", "src/speedy", tmp_path)
    assert wheel.name == "speedy-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert "speedy/__init__.py" in names and not any(n.endswith(".c") for n in names)
        assert "speedy/__init__.py,sha256=" in z.read("speedy-1.0.dist-info/RECORD").decode()
    assert build.metadata(wheel) == ("speedy", "1.0", [], ["speedy"])
    assert build.entry(wheel)["sha256"] == build.sha256(wheel)
