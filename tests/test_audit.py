"""``conoha-learn audit``: planted secrets are found (file and line), clean files pass.

Every secret below is made up at run time, so this file holds none itself.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from conoha_learn import audit
from conoha_learn.cli import main

ROOT = Path(__file__).resolve().parent.parent


def fernet() -> str:
    return "gAAAAAB" + secrets.token_urlsafe(120)


def password() -> str:
    return "Pw-" + secrets.token_urlsafe(12)


def private_key() -> str:
    body = "\n".join(secrets.token_hex(32) for _ in range(3))
    return f"-----BEGIN OPENSSH PRIVATE {'KEY'}-----\n{body}\n-----END OPENSSH PRIVATE {'KEY'}-----\n"


def lines_of(findings: list[audit.Finding]) -> list[tuple[str, int]]:
    return [(Path(f.path).name, f.line) for f in findings]


def test_tokens_in_a_cassette_are_found_at_their_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("interactions:\n- response:\n    headers:\n      X-Subject-Token:\n"
                    f"      - {fernet()}\n- request:\n    headers:\n      X-Auth-Token:\n"
                    f"      - {secrets.token_hex(16)}\n")
    found = audit.scan_file(path)
    assert lines_of(found) == [("c.yaml", 5), ("c.yaml", 9)]
    assert "Fernet" in found[0].what and "token header" in found[1].what


def test_a_token_id_in_a_v2_body_is_found():
    text = json.dumps({"access": {"token": {"expires": "x", "id": secrets.token_hex(16)}}}, indent=2)
    assert [f.line for f in audit.scan_text(text, "v2.json")] == [5]  # the "id" line


def test_password_fields_are_found_in_json_yaml_python_and_notebook_outputs(tmp_path):
    pw = password()
    files = {
        "body.json": json.dumps({"auth": {"passwordCredentials": {"password": pw}}}, indent=1),
        "clouds.yaml": f"clouds:\n  c:\n    auth:\n      password: {pw}\n",
        "script.py": f"conn = connect(\n    password='{pw}')\n",
        ".env": f"OS_PASSWORD={pw}\n",
    }
    cell_output = {"name": "stdout", "output_type": "stream",
                   "text": [f"{{'server': {{'adminPass': '{pw}'}}}}\n"]}
    files["nb.ipynb"] = json.dumps({"cells": [{"cell_type": "code", "outputs": [cell_output]}]}, indent=1)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = {Path(f.path).name: f for f in audit.audit([tmp_path], environ={})}
    assert set(found) == set(files)
    assert found["clouds.yaml"].line == 4 and found["script.py"].line == 2
    assert all(f.what == "a password field with a literal value" for f in found.values())


def test_private_keys_are_found_but_not_code_that_mentions_them(tmp_path):
    output = {"output_type": "stream", "name": "stdout", "text": [private_key()]}
    (tmp_path / "keys.ipynb").write_text(json.dumps({"cells": [{"outputs": [output]}]}))
    (tmp_path / "check.py").write_text('assert key.startswith("-----BEGIN OPENSSH PRIVATE ' + 'KEY-----")\n')
    found = audit.audit([tmp_path], environ={})
    assert [(Path(f.path).name, f.what) for f in found] == [("keys.ipynb", "a private key")]


def test_the_environments_own_credentials_are_found_anywhere(tmp_path):
    pw, token = password(), "tok-" + secrets.token_hex(8)
    (tmp_path / "notes.md").write_text(f"my password is {pw}\n\nand the token {token}\n")
    found = audit.audit([tmp_path], environ={"OS_PASSWORD": pw, "OS_TOKEN": token, "OS_USERNAME": "u"})
    assert [(f.line, f.what) for f in found] == [(1, "the value of $OS_PASSWORD in your environment"),
                                                 (3, "the value of $OS_TOKEN in your environment")]


def test_the_password_of_the_cloud_in_use_is_found(tmp_path):
    pw = password()
    (tmp_path / "clouds.yaml").write_text("clouds:\n  mine:\n    auth:\n      auth_url: https://x/v3\n")
    (tmp_path / "secure.yaml").write_text(f"clouds:\n  mine:\n    auth:\n      password: '{pw}'\n")
    scanned = tmp_path / "out"
    scanned.mkdir()
    (scanned / "log.txt").write_text(f"login with {pw} ok\n")
    environ = {"OS_CLOUD": "mine", "OS_CLIENT_CONFIG_FILE": str(tmp_path / "clouds.yaml"),
               "OS_CLIENT_SECURE_FILE": str(tmp_path / "secure.yaml")}
    found = audit.audit([scanned], environ=environ)
    assert [f.what for f in found] == ["the password of cloud 'mine' (clouds.yaml)"]


def test_placeholders_variables_and_allowed_values_pass(tmp_path):
    clean = {
        "c.yaml": "X-Auth-Token:\n- TOKEN_1\nbody: '{\"password\": \"PASSWORD_1\", \"adminPass\": \"ADMIN_PASS_2\"}'\n",
        "curl.sh": 'curl -H "X-Auth-Token: $OS_TOKEN" -d \'{"password": "$OS_PASSWORD"}\'\nOS_PASSWORD=${OS_PASSWORD}\n',
        "doc.md": "password: <your API password>\npassword: ...\n",
        "sim.py": 'ACCOUNT = {"password": "Sim-Passw0rd-1"}\nshown = {"password": "***"}\n',
        "f.py": "password = creds.password\nbanner = f'password: {creds[\"OS_PASSWORD\"]}'\n",
    }
    for name, text in clean.items():
        (tmp_path / name).write_text(text)
    assert audit.audit([tmp_path], environ={"OS_PASSWORD": "Sim-Passw0rd-1"}) == []


def test_the_pragma_allows_one_line(tmp_path):
    pw = password()
    (tmp_path / "t.py").write_text(f'a = {{"password": "{pw}"}}  # pragma: allowlist secret\n'
                                   f'b = {{"password": "{pw}"}}\n')
    assert [f.line for f in audit.audit([tmp_path], environ={})] == [2]


def test_a_git_repository_is_audited_as_git_would_commit_it(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("secure.yaml\n")
    (tmp_path / "secure.yaml").write_text(f"password: {password()}\n")  # ignored: never committed
    (tmp_path / "new.yaml").write_text(f"password: {password()}\n")     # untracked, not ignored
    assert [Path(f.path).name for f in audit.audit([tmp_path], environ={})] == ["new.yaml"]


def test_the_command_prints_file_and_line_never_the_secret(tmp_path, capsys, monkeypatch):
    for name in ("OS_PASSWORD", "OS_TOKEN", "OS_CLOUD"):
        monkeypatch.delenv(name, raising=False)
    pw = password()
    (tmp_path / "clean.txt").write_text("nothing here\n")
    assert main(["audit", str(tmp_path)]) == 0
    (tmp_path / "leak.json").write_text('{\n  "password": "' + pw + '"\n}\n')
    assert main(["audit", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"{tmp_path / 'leak.json'}:2: a password field with a literal value" in out
    assert pw not in out + err and "pragma: allowlist secret" in err
    assert main(["audit", str(tmp_path / "missing")]) == 2


def test_the_repository_is_clean():
    """What CI runs: `conoha-learn audit .` (with an empty environment, to test the files only)."""
    findings = audit.audit([ROOT], environ={})
    assert findings == [], "\n".join(map(str, findings))
