"""Where the settings come from: the mode, and the credentials.

Modes (``cl.connect(mode=...)`` or the ``CONOHA_LEARN_MODE`` variable):

    sim      the local simulator (default): no account, no cost
    live     real ConoHa, with your API credentials
    replay   answers recorded earlier (a cassette next to the notebook)
    record   the simulator (or real ConoHa, given your credentials), saving the answers as a cassette

Credentials, in the order `openstack` (the CLI) uses them:

1. ``OS_CLOUD`` (or ``cloud=``) names an entry of ``clouds.yaml`` (+ ``secure.yaml``);
2. otherwise ``OS_*`` variables, such as ``OS_AUTH_URL``, ``OS_USERNAME``, ``OS_PASSWORD``;
3. otherwise a ``clouds.yaml`` holding exactly one cloud.

In Jupyter there is also a form with a password field: ``cl.login_form()`` (login_form.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .i18n import N_, _

MODES = ("sim", "replay", "live", "record")
MODE_VARIABLE = "CONOHA_LEARN_MODE"

CONOHA_AUTH_URL = "https://identity.c3j1.conoha.io/v3"
CONOHA_REGION = "c3j1"
CONOHA_DOMAIN = "gnc"


def resolve_mode(mode: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The mode from the argument, else CONOHA_LEARN_MODE, else "sim"."""
    chosen = mode if mode is not None else environ.get(MODE_VARIABLE) or "sim"
    normal = chosen.strip().lower()
    if normal not in MODES:
        origin = _("the mode argument") if mode is not None else \
            _("the {variable} variable").format(variable=MODE_VARIABLE)
        raise ConfigError(_("Unknown mode {mode!r} (from {origin}). Choose one of: {modes}.").format(
                              mode=chosen, origin=origin, modes=", ".join(MODES)),
                          hint=_("sim needs no account; live needs your ConoHa API credentials."))
    return normal


# --- credentials ----------------------------------------------------------------------------------

@dataclass
class Credentials:
    """What Keystone needs to give you a token. The password never appears in the repr.

    >>> Credentials(auth_url="https://identity.c3j1.conoha.io/v3", username="gncu12345678",
    ...             password="...", project_id="0f1e...")
    """

    auth_url: str | None = None
    username: str | None = None
    user_id: str | None = None
    password: str | None = field(default=None, repr=False)
    project_id: str | None = None       # ConoHa calls it the tenant ID
    project_name: str | None = None     # tenant name, gnct........
    user_domain_name: str | None = None
    user_domain_id: str | None = None
    project_domain_name: str | None = None
    project_domain_id: str | None = None
    region: str | None = None
    interface: str = "public"
    identity_api_version: str | None = None  # "3" or "2.0"; None: from auth_url, else 3
    # Where these came from, for messages; in the learner's language (set_language comes first).
    source: str = field(default_factory=lambda: _("arguments"), compare=False)

    def __repr__(self) -> str:
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                 if f.repr and getattr(self, f.name) is not None]
        shown.append("password=" + ("'***'" if self.password else "None"))
        return f"Credentials({', '.join(shown)})"

    def merged(self, **overrides: Any) -> Credentials:
        """A copy with the given non-None values replacing ours."""
        unknown = set(overrides) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError(_("Unknown credential setting(s): {unknown}. Known: {known}.").format(
                unknown=", ".join(sorted(unknown)), known=", ".join(f.name for f in fields(self))))
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def missing(self) -> list[str]:
        """Names of what is still needed before a token can be requested."""
        needed = []
        if not self.auth_url:
            needed.append("auth_url (OS_AUTH_URL)")
        if not (self.username or self.user_id):
            needed.append(_("username or user_id (OS_USERNAME / OS_USER_ID)"))
        if not self.password:
            needed.append("password (OS_PASSWORD)")
        if not (self.project_id or self.project_name):
            needed.append(_("project_id or project_name, the tenant (OS_PROJECT_ID / OS_PROJECT_NAME)"))
        return needed


# OS_* variable → Credentials field. The OS_TENANT_* names are the 2015 (v2.0) spelling.
ENV_VARIABLES = {
    "OS_AUTH_URL": "auth_url", "OS_USERNAME": "username", "OS_USER_ID": "user_id",
    "OS_PASSWORD": "password", "OS_PROJECT_ID": "project_id", "OS_PROJECT_NAME": "project_name",
    "OS_TENANT_ID": "project_id", "OS_TENANT_NAME": "project_name",
    "OS_USER_DOMAIN_NAME": "user_domain_name", "OS_USER_DOMAIN_ID": "user_domain_id",
    "OS_PROJECT_DOMAIN_NAME": "project_domain_name", "OS_PROJECT_DOMAIN_ID": "project_domain_id",
    "OS_REGION_NAME": "region", "OS_INTERFACE": "interface",
    "OS_IDENTITY_API_VERSION": "identity_api_version",
}


def from_env(environ: Mapping[str, str] = os.environ) -> Credentials | None:
    """Credentials from OS_* variables, or None when OS_AUTH_URL is not set."""
    if not environ.get("OS_AUTH_URL"):
        return None
    values = {}
    for variable, name in ENV_VARIABLES.items():
        if environ.get(variable) and name not in values:  # OS_PROJECT_* wins over OS_TENANT_*
            values[name] = environ[variable]
    return Credentials(**values, source=_("OS_* environment variables"))


# --- clouds.yaml ----------------------------------------------------------------------------------

def search_dirs(cwd: Path | None = None) -> list[Path]:
    """Where openstacksdk looks for clouds.yaml and secure.yaml, in its order."""
    return [cwd or Path.cwd(), Path.home() / ".config" / "openstack", Path("/etc/openstack")]


def find_config_file(stem: str, override_variable: str,
                     environ: Mapping[str, str] = os.environ) -> Path | None:
    """The first existing clouds.yaml (stem "clouds") or secure.yaml (stem "secure")."""
    candidates = [Path(environ[override_variable])] if environ.get(override_variable) else []
    candidates += [d / f"{stem}{suffix}" for d in search_dirs()
                   for suffix in (".yaml", ".yml", ".json")]
    return next((p for p in candidates if p.is_file()), None)


def _load_yaml(path: Path) -> dict:
    import yaml  # loaded only when a clouds.yaml is read

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(_("{path} is not valid YAML: {error}").format(path=path, error=exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(_("{path} should hold a mapping with a 'clouds:' key.").format(path=path))
    return data


def _deep_merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_clouds(environ: Mapping[str, str] = os.environ) -> tuple[dict, list[Path]]:
    """All clouds from the first clouds.yaml, with the first secure.yaml merged in."""
    files = [p for p in (find_config_file("clouds", "OS_CLIENT_CONFIG_FILE", environ),
                         find_config_file("secure", "OS_CLIENT_SECURE_FILE", environ)) if p]
    clouds: dict = {}
    for path in files:
        clouds = _deep_merge(clouds, _load_yaml(path).get("clouds") or {})
    return clouds, files


# clouds.yaml "auth:" keys that map directly onto Credentials fields.
AUTH_KEYS = ("auth_url", "username", "user_id", "password", "project_id", "project_name",
             "user_domain_name", "user_domain_id", "project_domain_name", "project_domain_id")


def credentials_from_cloud(entry: dict, *, source: str) -> Credentials:
    auth = dict(entry.get("auth") or {})
    values = {key: str(auth[key]) for key in AUTH_KEYS if auth.get(key)}
    values.setdefault("project_id", auth.get("tenant_id"))
    values.setdefault("project_name", auth.get("tenant_name"))
    if entry.get("region_name"):
        values["region"] = str(entry["region_name"])
    if entry.get("interface"):
        values["interface"] = str(entry["interface"])
    if entry.get("identity_api_version"):
        values["identity_api_version"] = str(entry["identity_api_version"])
    return Credentials(**{k: v for k, v in values.items() if v is not None}, source=source)


def from_clouds_yaml(cloud: str | None = None,
                     environ: Mapping[str, str] = os.environ) -> Credentials | None:
    """Credentials for ``cloud`` (default: OS_CLOUD, or the only cloud in the file)."""
    clouds, files = load_clouds(environ)
    name = cloud or environ.get("OS_CLOUD")
    if name is None:
        if len(clouds) != 1:
            return None
        name = next(iter(clouds))
    if name not in clouds:
        where = ", ".join(str(p) for p in files) or _("no clouds.yaml found in {dirs}").format(
            dirs=", ".join(str(d) for d in search_dirs()))
        raise ConfigError(_("No cloud named {name!r} in clouds.yaml ({where}). Clouds there: "
                            "{clouds}.").format(name=name, where=where,
                                                clouds=", ".join(clouds) or _("none")),
                          hint=_("cl.write_clouds_yaml(conn) writes one for a working connection."))
    return credentials_from_cloud(clouds[name], source=_("clouds.yaml cloud {name!r} ({file})").format(
        name=name, file=files[0]))


def find_credentials(cloud: str | None = None,
                     environ: Mapping[str, str] = os.environ) -> Credentials | None:
    """Credentials as the openstack CLI finds them; None when there are none anywhere."""
    if cloud or environ.get("OS_CLOUD"):
        return from_clouds_yaml(cloud, environ)
    return from_env(environ) or from_clouds_yaml(None, environ)


WHERE_TO_PUT_CREDENTIALS = N_(
    "Put your ConoHa API credentials (control panel → API) in OS_* variables "
    "(OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_ID, OS_USER_DOMAIN_NAME=gnc, "
    "OS_REGION_NAME=c3j1), or in clouds.yaml + secure.yaml with OS_CLOUD naming the cloud, "
    "or use the form: form = cl.login_form(). To practise without an account use mode='sim'.")


def ignored_in_sim(environ: Mapping[str, str] = os.environ) -> str | None:
    """What to say when sim mode leaves a real cloud's settings aside (``OS_CLOUD``, or an
    ``OS_AUTH_URL`` that is not this machine's simulator), else None. `conoha-learn lab` sets
    ``OS_*`` to the simulator for its terminals: those are not worth a word."""
    from urllib.parse import urlsplit

    cloud, auth_url = environ.get("OS_CLOUD"), environ.get("OS_AUTH_URL")
    if not cloud and (not auth_url or urlsplit(auth_url).hostname in ("127.0.0.1", "localhost", "::1")):
        return None
    setting = f"OS_CLOUD={cloud}" if cloud else f"OS_AUTH_URL={auth_url}"
    return _("Sim mode: your {setting} (and the other OS_* settings) are not used; this talks to "
             "the local simulator. To use them, set CONOHA_LEARN_MODE=live (then restart the "
             "kernel) or call cl.connect('live').").format(setting=setting)


def write_private(path: Path, text: str) -> None:
    """Write a secret file that only its owner can read, creating it with mode 0600 from the
    start (no moment where others could read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)  # in case the file existed with wider permissions
