"""cl.login_form(): the Jupyter form logs in with the button and forgets the password."""

from __future__ import annotations

import pytest

import conoha_learn as cl
from conoha_learn.sim.seed import ACCOUNTS

DEFAULT = ACCOUNTS[0]


@pytest.fixture(autouse=True)
def no_os_variables(monkeypatch, tmp_path):
    for name in ("OS_AUTH_URL", "OS_CLOUD", "OS_USERNAME", "OS_PROJECT_ID", "OS_REGION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))


def fill(form, sim, password):
    form.auth_url.value = sim.auth_url
    form.username.value = DEFAULT["user_name"]
    form.password.value = password
    form.project_id.value = DEFAULT["project_id"]


def test_form_connects_with_the_button_and_clears_the_password(sim):
    seen = []
    form = cl.login_form(on_connect=seen.append)
    assert form.auth_url.value == "https://identity.c3j1.conoha.io/v3" and form.region.value == "c3j1"
    assert type(form.password).__name__ == "Password"
    with pytest.raises(cl.ConfigError, match="press Connect"):
        form.connection
    fill(form, sim, DEFAULT["password"])
    form.button.click()
    conn = form.connection
    assert conn.mode == "live" and conn.token.project["id"] == DEFAULT["project_id"]
    assert seen == [conn]
    assert form.password.value == ""  # not left in the widget state (saved with the notebook)
    assert DEFAULT["password"] not in repr(form) and DEFAULT["password"] not in str(form.widget.get_state())
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_wrong_password_is_shown_in_the_form_not_raised(sim):
    form = cl.login_form()
    fill(form, sim, "wrong-password")
    form.button.click()  # must not raise inside the widget callback
    assert form._connection is None and form.password.value == ""
    with pytest.raises(cl.ConfigError):
        form.connection


def test_form_is_prefilled_from_os_variables(monkeypatch):
    monkeypatch.setenv("OS_AUTH_URL", "https://identity.c3j1.conoha.io/v3")
    monkeypatch.setenv("OS_USERNAME", "gncu99999999")
    monkeypatch.setenv("OS_PASSWORD", "never-prefilled")
    form = cl.login_form()
    assert form.username.value == "gncu99999999" and form.password.value == ""


def test_every_box_is_wide_enough_for_a_whole_tenant_id():
    """ipywidgets' default box (300 px, labels included) shows about 20 of the tenant ID's 32
    hex digits; the form's boxes are 44em wide (less on a narrow screen), labels 8em."""
    form = cl.login_form()
    boxes = [form.auth_url, form.username, form.password, form.project_id, form.region]
    for box in boxes:
        assert box.layout.width == "min(100%, 44em)" and box.style.description_width == "8em"
    room_em = 44 - 8
    assert room_em >= 0.6 * len("0f1e2d3c4b5a69788796a5b4c3d2e1f0")  # a digit is ~0.6em wide
