"""A beginner's wrong argument gets an error that says what was expected, not a TypeError from
deep inside; a misspelt plan is answered with the closest plans first."""

from __future__ import annotations

import pytest

import conoha_learn as cl
from conoha_learn.errors import ConfigError, NotFoundLocally
from conoha_learn.i18n import set_language
from conoha_learn.service import closest, edits


@pytest.fixture
def conn(sim):
    connection = cl.connect(mode="sim", sim=sim)
    yield connection
    connection.close()


def test_flavors_with_an_argument_says_how_to_filter(conn):
    with pytest.raises(ConfigError) as caught:
        conn.compute.flavors("g2l")
    said = str(caught.value)
    assert "flavors()" in said and "startswith('g2l')" in said
    plans = conn.compute.flavors()   # and the way it shows works
    assert len(plans[plans.name.str.startswith("g2l")]) > 0


@pytest.mark.parametrize("flavor", [1024, 1.5, None, ["g2l-t-c2m1"]])
def test_a_plan_that_is_not_text_is_named_as_such_and_nothing_is_created(conn, sim, flavor):
    with pytest.raises(ConfigError) as caught:
        conn.compute.create_server("web-1", flavor, "vmi-ubuntu-24.04-amd64")
    said = str(caught.value)
    assert "flavor (plan) name or id, as text" in said and repr(flavor) in said
    assert "No flavor" not in said
    assert not conn.block_storage.volumes().shape[0] and not conn.compute.server_list()


def test_in_japanese(conn):
    set_language("ja")
    try:
        with pytest.raises(ConfigError) as caught:
            conn.compute.create_server("web-1", 1024, "vmi-ubuntu-24.04-amd64")
        assert "1024" in str(caught.value) and "文字列" in str(caught.value)
        with pytest.raises(ConfigError) as caught:
            conn.compute.flavors("g2l")
        assert "startswith('g2l')" in str(caught.value) and "プラン" in str(caught.value)
    finally:
        set_language("en")


def test_a_typo_lists_the_closest_plan_first(conn):
    with pytest.raises(NotFoundLocally) as caught:
        conn.compute.create_server("web-1", "g2l-t-c2m2", "vmi-ubuntu-24.04-amd64")
    suggested = str(caught.value).split("Did you mean ", 1)[1].split("?")[0]
    assert suggested.index("'g2l-t-c12m32'") > max(suggested.index("'g2l-t-c2m1'"),
                                                   suggested.index("'g2l-t-c3m2'")), suggested


def test_edits_and_closest():
    assert edits("g2l-t-c2m2", "g2l-t-c2m1") == 1 and edits("g2l-t-c2m2", "g2l-t-c12m32") == 2
    assert edits("", "abc") == 3 and edits("kitten", "sitting") == 3
    assert closest("IPv4v6-SHH", ["default", "IPv4v6-SSH", "IPv4v6-Web"])[0] == "IPv4v6-SSH"
    assert closest("zzz", ["default"]) == []
