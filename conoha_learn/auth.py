"""Keystone: trade a password for a token (identity v3, and the 2015 v2.0 API).

v3 (ConoHa VPS Ver.3.0)::

    POST {auth_url}/auth/tokens
    {"auth": {"identity": {"methods": ["password"],
                           "password": {"user": {"name": ..., "password": ..., "domain": {"name": "gnc"}}}},
              "scope": {"project": {"id": ...}}}}
    → 201, the token in the X-Subject-Token header, details and catalog in the body

v2.0 (2015)::

    POST {auth_url}/tokens
    {"auth": {"passwordCredentials": {"username": ..., "password": ...}, "tenantId": ...}}
    → 200, the token in the body: access.token.id
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import TOKEN_401_HINT, ConfigError, api_error, server_message
from .i18n import _
from .redact import TOKEN
from .times import with_jst

if TYPE_CHECKING:
    from .config import Credentials
    from .http import Transport


@dataclass
class Token:
    """A project-scoped token. ``token.id`` is the secret to send as X-Auth-Token; repr hides it."""

    id: str = field(repr=False)
    expires_at: datetime
    issued_at: datetime | None
    user: dict            # {"id": ..., "name": ...}
    project: dict | None  # {"id": ..., "name": ...}; the tenant
    roles: list[str]
    auth_version: str     # "3" or "2.0"
    catalog: list = field(repr=False)  # raw, as Keystone sent it; conn.catalog is the table
    received_at: float = field(repr=False, default=0.0)  # our clock when it arrived

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry, as the server counts them (24 h on ConoHa)."""
        if self.issued_at is None:
            return 0.0
        return (self.expires_at - self.issued_at).total_seconds()

    def seconds_left(self, now: float) -> float:
        """Seconds until expiry, by our own clock.

        We count the lifetime from the moment the token arrived instead of comparing
        ``expires_at`` with our clock: the server's clock and ours may disagree (a laptop that
        slept, a simulator with a fixed clock), and the lifetime is what both agree on.
        """
        if self.issued_at is None:  # no issue time: fall back to trusting the clocks
            return self.expires_at.timestamp() - now
        return self.received_at + self.lifetime - now

    def __repr__(self) -> str:
        user = self.user.get("name") or self.user.get("id")
        project = (self.project or {}).get("name") or (self.project or {}).get("id")
        return (f"Token(auth=v{self.auth_version}, user={user!r}, project={project!r}, "
                f"roles={self.roles}, expires_at='{with_jst(self.expires_at)}', "
                f"id=<hidden: token.id>)")


# --- requests -------------------------------------------------------------------------------------

def normalise_version(value: str | None) -> str | None:
    """Normalise "3", "v3", "3.0" → "3" and "2", "2.0", "v2.0" → "2.0"."""
    if value is None:
        return None
    text = str(value).lower().lstrip("v")
    if text in ("3", "3.0"):
        return "3"
    if text in ("2", "2.0"):
        return "2.0"
    raise ConfigError(_("Unknown identity API version {value!r}. Use 3 (ConoHa VPS Ver.3.0) or "
                        "2.0 (the 2015 API).").format(value=value))


def token_url(creds: Credentials) -> tuple[str, str]:
    """The token URL and the identity version, from auth_url and identity_api_version."""
    base = (creds.auth_url or "").rstrip("/")
    last = base.rsplit("/", 1)[-1]
    in_url = normalise_version(last) if last in ("v3", "v2.0") else None
    wanted = normalise_version(creds.identity_api_version)
    if in_url and wanted and in_url != wanted:
        raise ConfigError(_("auth_url {url} is identity v{in_url} but identity_api_version says "
                            "{wanted}. Make them agree (…/v3 with 3, …/v2.0 with 2.0).").format(
                                url=base, in_url=in_url, wanted=wanted))
    version = in_url or wanted or "3"
    if not in_url:
        base = f"{base}/v{version}"
    return base + ("/auth/tokens" if version == "3" else "/tokens"), version


def _named(id_: str | None, name: str | None, domain_id: str | None, domain_name: str | None) -> dict:
    """A Keystone reference: by id if we have one, else by name (with its domain if given)."""
    if id_:
        return {"id": id_}
    ref: dict[str, Any] = {"name": name}
    if domain_id or domain_name:
        ref["domain"] = {"id": domain_id} if domain_id else {"name": domain_name}
    return ref


def v3_body(creds: Credentials) -> dict:
    user = _named(creds.user_id, creds.username, creds.user_domain_id, creds.user_domain_name)
    user["password"] = creds.password
    project = _named(creds.project_id, creds.project_name,
                     creds.project_domain_id, creds.project_domain_name)
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": {"project": project}}}


def v2_body(creds: Credentials) -> dict:
    if not creds.username:
        raise ConfigError(_("The v2.0 API logs in by user name (passwordCredentials.username); "
                            "a user id alone is not enough. Set username (OS_USERNAME)."))
    auth: dict[str, Any] = {"passwordCredentials": {"username": creds.username,
                                                    "password": creds.password}}
    if creds.project_id:
        auth["tenantId"] = creds.project_id
    else:
        auth["tenantName"] = creds.project_name
    return {"auth": auth}


# --- responses ------------------------------------------------------------------------------------

def parse_time(text: str | None) -> datetime | None:
    """Keystone timestamps, with or without fraction and Z; naive ones are UTC."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _pick(ref: dict | None) -> dict | None:
    return {"id": ref.get("id"), "name": ref.get("name")} if ref else None


def parse_v3(token_id: str, body: dict, received_at: float) -> Token:
    t = body["token"]
    return Token(id=token_id, expires_at=parse_time(t["expires_at"]),
                 issued_at=parse_time(t.get("issued_at")), user=_pick(t.get("user")) or {},
                 project=_pick(t.get("project")), roles=[r.get("name") for r in t.get("roles", [])],
                 auth_version="3", catalog=t.get("catalog", []), received_at=received_at)


def parse_v2(body: dict, received_at: float) -> Token:
    access = body["access"]
    t = access["token"]
    user = access.get("user", {})
    return Token(id=t["id"], expires_at=parse_time(t["expires"]), issued_at=parse_time(t.get("issued_at")),
                 user={"id": user.get("id"), "name": user.get("name") or user.get("username")},
                 project=_pick(t.get("tenant")), roles=[r.get("name") for r in user.get("roles", [])],
                 auth_version="2.0", catalog=access.get("serviceCatalog", []), received_at=received_at)


def authenticate(transport: Transport, creds: Credentials, *, now: float) -> Token:
    """One token request. Raises AuthenticationError (with a checklist hint) when refused."""
    missing = creds.missing()
    if missing:
        raise ConfigError(_("Cannot log in yet; missing: {missing} (credentials from {source}).").format(
            missing=_("; ").join(missing), source=creds.source))
    url, version = token_url(creds)
    transport.redactor.add(creds.password, "$OS_PASSWORD")
    body = v3_body(creds) if version == "3" else v2_body(creds)
    response, exchange = transport.request("POST", url, json=body)
    if response.status_code >= 400:
        hint = TOKEN_401_HINT if response.status_code == 401 else ""
        if response.status_code == 404:
            hint = _("No token service at {url}: check auth_url (for ConoHa VPS Ver.3.0 it is "
                     "https://identity.c3j1.conoha.io/v3).").format(url=url)
        raise api_error(response.status_code, server_message(exchange.response_body, response.reason),
                        method="POST", url=exchange.url, request_id=exchange.request_id,
                        exchange=exchange, hint=hint)
    try:
        if version == "3":
            token = parse_v3(response.headers["X-Subject-Token"], response.json(), now)
        else:
            token = parse_v2(response.json(), now)
    except (KeyError, TypeError, ValueError) as exc:
        raise api_error(response.status_code, _("The token response is not a Keystone v{version} "
                        "token (missing or malformed {field}).").format(version=version, field=exc),
                        method="POST", url=exchange.url,
                        exchange=exchange, hint=_("Is auth_url really a Keystone endpoint?")) from None
    transport.redactor.add(token.id, TOKEN)
    # The exchange was recorded before we knew the v3 token value; it is already redacted
    # by header name, and every later exchange is redacted by value too.
    if not token.project:
        raise ConfigError(_("Keystone gave an unscoped token (no project), which has no catalog."),
                          hint=_("Set project_id (the tenant ID) or project_name."))
    return token
