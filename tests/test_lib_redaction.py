"""A known password, token, root password and private key never appear in anything we print."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest
import requests

import conoha_learn as cl
from conoha_learn.sim import Simulator

PASSWORD = "Known-Passw0rd!-7x"
ADMIN_PASS = "Root-Pass-42x!"


@pytest.fixture
def known():
    """A simulator with an account whose password we chose; ``issued`` is every token it hands out
    (tokens carry themselves, sim/tokens.py: the test learns them as they are made)."""
    with Simulator(delay=0, seed=7) as sim:
        with sim.state.store.transaction():
            account = sim.state.add_account(user_name="gncu55555555", password=PASSWORD,
                                            project_name="gnct55555555")
        issued, seal = [], sim.state.tokens.seal
        sim.state.tokens.seal = lambda doc, nonce: issued.append(seal(doc, nonce)) or issued[-1]
        yield sim, account, issued


def texts_of(*objects) -> list[str]:
    """Everything a learner could print about these objects."""
    out = []
    for obj in objects:
        out += [str(obj), repr(obj)]
        if isinstance(obj, cl.Exchange):
            out += [obj.text(max_body_lines=None), obj.as_curl(), repr(vars(obj))]
        if isinstance(obj, cl.ApiError) and obj.exchange is not None:
            out += texts_of(obj.exchange)
    return out


def assert_clean(texts, *secrets):
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked into: {text[:200]}"


def test_nothing_printable_contains_a_secret(known, tmp_path):
    sim, account, issued = known
    creds = cl.Credentials(auth_url=sim.auth_url, username="gncu55555555", password=PASSWORD,
                           project_id=account["project_id"], user_domain_name="gnc")
    conn = cl.connect(sim=sim, credentials=creds)
    assert conn.token.id == issued[0]  # the token really is the known one
    token = issued[0]
    printed = [conn, conn.token, conn.credentials, conn.compute, conn.catalog]

    conn.compute.flavors()
    kp = conn.compute.create_keypair("k")
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image="vmi-ubuntu-24.04-amd64",
                                        key_name="k", admin_pass=ADMIN_PASS, progress=False)
    conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    printed += [kp, server, conn.compute.get_server(server), conn.compute.servers()]
    private_key_line = kp["private_key"].splitlines()[1]

    errors = []
    for make_error in (lambda: conn.compute.get_server("00000000-0000-4000-8000-000000000000"),
                       lambda: conn.compute.start(server),
                       lambda: cl.connect(sim=sim, credentials=creds.merged(project_id="0" * 32)),
                       lambda: cl.connect(sim=sim, credentials=creds.merged(auth_url=f"{sim.url}/nope/v3"))):
        with pytest.raises(cl.ConohaLearnError) as info:
            make_error()
        errors.append(info.value)

    # The token is revoked behind our back: the 401, the new login and the retry are recorded.
    requests.delete(f"{sim.auth_url}/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token},
                    timeout=5)
    conn.compute.flavors()
    assert [e.status for e in conn.history[-3:]] == [401, 201, 200]

    # The 2015 API puts the token in the response body.
    legacy = cl.connect(sim=sim, credentials=creds.merged(auth_url=f"{sim.url}/identity/v2.0",
                                                          user_domain_name=None))
    assert legacy.token.id == issued[-1]

    report = conn.cleanup(progress=False)
    clouds, secure = cl.write_clouds_yaml(conn, tmp_path / "clouds.yaml")

    texts = texts_of(*printed, *errors, report, legacy, legacy.token, *conn.history, *legacy.history)
    texts.append(clouds.read_text())
    assert_clean(texts, PASSWORD, *issued, ADMIN_PASS, kp["private_key"], private_key_line)
    assert PASSWORD in secure.read_text()  # where it belongs, and only there
    # and the placeholders are where the secrets were
    joined = "\n".join(texts)
    for placeholder in ("$OS_PASSWORD", "$OS_TOKEN", "$ADMIN_PASS", '"private_key": "***"'):
        assert placeholder in joined


def test_secrets_in_unexpected_places_are_replaced_by_value(known):
    sim, account, issued = known
    conn = cl.connect(sim=sim, username="gncu55555555", password=PASSWORD,
                      project_id=account["project_id"])
    conn.get("compute", "/servers", params={"note": PASSWORD + " &/"})  # sent URL-encoded
    assert conn.last_exchange.url.endswith("?note=$OS_PASSWORD+%26%2F")  # "!" went as %21
    # A learner puts the password into a description: the value rule still catches it.
    with pytest.raises(cl.ApiError) as info:
        conn.post("compute", f"/servers?note={PASSWORD}", json={"server": {"description": f"pw {PASSWORD}",
                                                                           "token": issued[-1]}})
    encoded = [quote(PASSWORD, safe=""), quote_plus(PASSWORD), quote(PASSWORD)]
    assert_clean(texts_of(info.value, *conn.history), PASSWORD, *issued, *encoded)


def test_every_object_in_a_raw_answer_hides_its_secrets(sim):
    conn = cl.connect(sim=sim)
    answer = conn.post("compute", "/os-keypairs", json={"keypair": {"name": "k"}})
    inner = answer["keypair"]  # the nested object, as a learner would display it
    assert inner["private_key"].startswith("-----BEGIN") and inner["private_key"] not in repr(inner)
    assert inner["private_key"] not in repr(answer) and "'***'" in repr(inner)
