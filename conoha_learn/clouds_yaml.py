"""Write a clouds.yaml for the openstack CLI and openstacksdk, from a working connection.

    paths = cl.write_clouds_yaml(conn)        # ./clouds.yaml and ./secure.yaml
    !openstack --os-cloud conoha server list

The password goes into ``secure.yaml`` (mode 0600, readable by you only), never into
``clouds.yaml``, so clouds.yaml can be shown, shared or committed. openstacksdk merges the two
files when both are in the same search directory (the current directory, ~/.config/openstack or
/etc/openstack).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .auth import token_url
from .config import Credentials, write_private
from .errors import ConfigError
from .i18n import _

if TYPE_CHECKING:
    from .connection import Connection


def cloud_entry(creds: Credentials) -> dict:
    """The clouds.yaml entry for these credentials, without the password."""
    auth = {"auth_url": creds.auth_url}
    if creds.user_id:
        auth["user_id"] = creds.user_id
    else:
        auth["username"] = creds.username
        auth["user_domain_name"] = creds.user_domain_name or "gnc"  # ConoHa's domain
    if creds.project_id:
        auth["project_id"] = creds.project_id
    else:
        auth["project_name"] = creds.project_name
        auth["project_domain_name"] = creds.project_domain_name or "gnc"
    entry: dict = {"auth": auth, "interface": creds.interface or "public"}
    if creds.region:
        entry["region_name"] = creds.region
    _, version = token_url(creds)
    entry["identity_api_version"] = 3 if version == "3" else version
    return entry


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ConfigError(_("{path} exists but is not a YAML mapping; move it away first.").format(
            path=path))
    return data


def _with_cloud(existing: dict, cloud: str, entry: dict) -> dict:
    """The file's content with our cloud added or replaced, other clouds kept."""
    clouds = dict(existing.get("clouds") or {})
    clouds[cloud] = entry
    return {**existing, "clouds": clouds}


def write_clouds_yaml(conn_or_creds: Connection | Credentials, path: str | os.PathLike = "clouds.yaml",
                      cloud: str = "conoha") -> tuple[Path, Path]:
    """Write (or update) ``path`` and a secure.yaml beside it; returns both paths.

    Other clouds already in the files are kept. Use it with
    ``openstack --os-cloud conoha ...`` or ``openstack.connect(cloud="conoha")``; if the files
    are not in the current directory or ~/.config/openstack, point OS_CLIENT_CONFIG_FILE and
    OS_CLIENT_SECURE_FILE at them.
    """
    import yaml

    creds = getattr(conn_or_creds, "credentials", conn_or_creds)
    if not isinstance(creds, Credentials):
        raise ConfigError(_("write_clouds_yaml needs a Connection (from cl.connect()) or Credentials."))
    if creds.missing():
        raise ConfigError(_("These credentials are incomplete: {missing}.").format(
            missing=_("; ").join(creds.missing())))
    clouds_path = Path(path).expanduser()
    secure_path = clouds_path.with_name("secure" + (clouds_path.suffix or ".yaml"))
    clouds_path.parent.mkdir(parents=True, exist_ok=True)

    clouds = _with_cloud(_read(clouds_path), cloud, cloud_entry(creds))
    clouds_path.write_text(yaml.safe_dump(clouds, sort_keys=False))
    secure = _with_cloud(_read(secure_path), cloud, {"auth": {"password": creds.password}})
    write_private(secure_path, yaml.safe_dump(secure, sort_keys=False))
    return clouds_path, secure_path
