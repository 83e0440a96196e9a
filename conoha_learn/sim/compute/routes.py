"""Every compute route: each resource under /compute/v2.1 (the v3 token's catalog) and again
under the 2015 /compute/v2/<tenant_id> (the v2.0 token's catalog), whose links keep the tenant
in the path."""

from __future__ import annotations

from ..call import Route
from .flavors import list_flavors, list_flavors_detail, show_extra_specs, show_flavor
from .keypairs import create_keypair, delete_keypair, list_keypairs, show_keypair
from .metadata import (delete_metadata_item, merge_metadata, replace_metadata, set_metadata_item,
                       show_metadata, show_metadata_item)
from .paths import LEGACY, V21
from .server_actions import server_action
from .server_create import create_server
from .server_security_groups import list_server_security_groups
from .servers import delete_server, list_ips, list_servers, list_servers_detail, show_ips, show_server
from .versions import guarded, version_v2, version_v21, versions
from .volume_attachments import attach_volume, detach_volume, list_attachments, show_attachment

API = [
    ("GET", "/flavors", list_flavors),
    ("GET", "/flavors/detail", list_flavors_detail),
    ("GET", "/flavors/<flavor_id>", show_flavor),
    ("GET", "/flavors/<flavor_id>/os-extra_specs", show_extra_specs),
    ("GET", "/servers", list_servers),
    ("POST", "/servers", create_server),
    ("GET", "/servers/detail", list_servers_detail),
    ("GET", "/servers/<server_id>", show_server),
    ("DELETE", "/servers/<server_id>", delete_server),
    ("POST", "/servers/<server_id>/action", server_action),
    ("GET", "/servers/<server_id>/metadata", show_metadata),
    ("POST", "/servers/<server_id>/metadata", merge_metadata),
    ("PUT", "/servers/<server_id>/metadata", replace_metadata),
    ("GET", "/servers/<server_id>/metadata/<key>", show_metadata_item),
    ("PUT", "/servers/<server_id>/metadata/<key>", set_metadata_item),
    ("DELETE", "/servers/<server_id>/metadata/<key>", delete_metadata_item),
    ("GET", "/servers/<server_id>/ips", list_ips),
    ("GET", "/servers/<server_id>/ips/<network>", show_ips),
    ("GET", "/servers/<server_id>/os-security-groups", list_server_security_groups),
    ("GET", "/servers/<server_id>/os-volume_attachments", list_attachments),
    ("POST", "/servers/<server_id>/os-volume_attachments", attach_volume),
    ("GET", "/servers/<server_id>/os-volume_attachments/<volume_id>", show_attachment),
    ("DELETE", "/servers/<server_id>/os-volume_attachments/<volume_id>", detach_volume),
    ("GET", "/os-keypairs", list_keypairs),
    ("POST", "/os-keypairs", create_keypair),
    ("GET", "/os-keypairs/<name>", show_keypair),
    ("DELETE", "/os-keypairs/<name>", delete_keypair),
]

ROUTES = [
    Route("GET", "/compute", versions, auth=False),
    Route("GET", V21, version_v21, auth=False),
    Route("GET", "/compute/v2", version_v2, auth=False),
] + [Route(method, root + path, guarded(handler))
     for root in (V21, LEGACY) for method, path, handler in API]
