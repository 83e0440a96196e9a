"""What a replay must send: the OS_* credentials a cassette was recorded with."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Mapping

from ..errors import ConfigError
from ..i18n import _
from .bodies import parse_json
from .paths import _shown, record_command
from .yaml_format import YamlJsonSerializer


def _token_requests(path: Path) -> list[tuple[str, str, dict, dict]]:
    """(Keystone version, uri, request body, response body) of each password token request in
    the cassette, in order. A replaying kernel asks more than once: the file is parsed once
    while its modification time and size stay the same."""
    stat = path.stat()
    return _token_requests_of(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _token_requests_of(path: Path, _mtime_ns: int, _size: int) -> list[tuple[str, str, dict, dict]]:
    data = YamlJsonSerializer.deserialize(path.read_text(encoding="utf-8"))
    found = []
    for item in data.get("interactions") or []:
        request = item["request"]
        uri = request["uri"].rstrip("/")
        version = "3" if uri.endswith("/auth/tokens") else "2.0" if uri.endswith("/tokens") else None
        sent = parse_json(request.get("body")) or {}
        if request["method"] == "POST" and version and "password" in json.dumps(sent):
            answer = parse_json(item["response"]["body"].get("string")) or {}
            found.append((version, request["uri"], sent, answer))
    return found


def _first_token_request(path: Path, version: str | None) -> tuple[str, dict, dict]:
    """(uri, request body, response body) of the first password token request of ``version``
    ("3", "2.0" or None for any) in the cassette."""
    for found, uri, sent, answer in _token_requests(Path(path)):
        if version in (None, found):
            return uri, sent, answer
    if version:
        message = _("The cassette {path} holds no Keystone v{version} password token request, so "
                    "it does not say which credentials to replay.")
    else:
        message = _("The cassette {path} holds no password token request, so it does not say "
                    "which credentials to replay.")
    raise ConfigError(message.format(path=_shown(path), version=version),
                      hint=_("re-record it with `{command}`.").format(command=record_command(path)))


def replay_credentials(path: str | os.PathLike, version: str | None = None) -> dict[str, str]:
    """OS_* variables as recorded in the cassette (placeholders where they were scrubbed).

    Replay matches requests on method and URL only, so these need not be real; they must be
    the recorded ones so that URLs built from them (the auth URL, the tenant id) match.
    ``version`` ("3" or "2.0") picks the first login of that Keystone API; None the first of any.
    """
    uri, sent, answer = _first_token_request(Path(path), version)
    auth = sent.get("auth", {})
    if "identity" in auth:  # Keystone v3
        user = auth["identity"].get("password", {}).get("user", {})
        project = (auth.get("scope") or {}).get("project", {})
        creds = {"OS_AUTH_URL": uri.rsplit("/auth/tokens", 1)[0], "OS_IDENTITY_API_VERSION": "3",
                 "OS_USERNAME": user.get("name"), "OS_USER_ID": user.get("id"),
                 "OS_PASSWORD": user.get("password"),
                 "OS_USER_DOMAIN_NAME": (user.get("domain") or {}).get("name"),
                 "OS_USER_DOMAIN_ID": (user.get("domain") or {}).get("id"),
                 "OS_PROJECT_ID": project.get("id"), "OS_PROJECT_NAME": project.get("name"),
                 "OS_PROJECT_DOMAIN_NAME": (project.get("domain") or {}).get("name"),
                 "OS_PROJECT_DOMAIN_ID": (project.get("domain") or {}).get("id")}
        catalog = answer.get("token", {}).get("catalog", [])
        regions = [ep.get("region_id") or ep.get("region") for s in catalog for ep in s.get("endpoints", [])]
    else:  # Keystone v2.0, the 2015 API
        cred = auth.get("passwordCredentials", {})
        creds = {"OS_AUTH_URL": uri.rsplit("/tokens", 1)[0], "OS_IDENTITY_API_VERSION": "2.0",
                 "OS_USERNAME": cred.get("username"), "OS_PASSWORD": cred.get("password"),
                 "OS_TENANT_ID": auth.get("tenantId"), "OS_TENANT_NAME": auth.get("tenantName")}
        catalog = answer.get("access", {}).get("serviceCatalog", [])
        regions = [ep.get("region") for s in catalog for ep in s.get("endpoints", [])]
    creds["OS_REGION_NAME"] = next((r for r in regions if r), None)
    creds["OS_INTERFACE"] = "public"
    return {name: value for name, value in creds.items() if value}


def export_credentials(creds: Mapping[str, str]) -> None:
    """Make OS_* describe the replayed cloud (others removed: they would point elsewhere)."""
    for name in [n for n in os.environ if n.startswith("OS_")]:
        del os.environ[name]
    os.environ.update(creds)
