"""Keystone: version documents, tokens (v3 and the 2015 v2.0), and the service catalog.

ConoHa exposes only password authentication publicly (shared/reference §1.2.3); we add the
``token`` method too because it is how upstream clients re-scope, and it costs little.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from . import seed, tokens
from .call import Call, Reply, Route
from .clock import isoformat
from .errors import AUTH_REQUIRED, ApiError

if TYPE_CHECKING:
    from .state import SimState

# (type, name, path under the simulator). ConoHa's real service names are not known (§7 of
# the wire-format notes), so these are upstream's usual names. The last two services are
# listed as on real ConoHa but not simulated: they answer 501 (see `not_simulated`).
CATALOG_V3 = [
    ("identity", "keystone", "/identity/v3"),
    ("compute", "nova", "/compute/v2.1"),
    ("volumev3", "cinderv3", "/block-storage/v3/{project_id}"),
    ("image", "glance", "/image-service"),
    ("network", "neutron", "/networking"),
    ("object-store", "swift", "/object-storage/v1/AUTH_{project_id}"),
    ("dns", "designate", "/dns-service"),
    ("load-balancer", "octavia", "/lbaas"),
]
# The 2015 (Ver.2.0) catalog: names as ConoHa wrote them then, tenant ids in paths.
CATALOG_V2 = [
    ("identity", "Identity Service", "/identity/v2.0"),
    ("compute", "Compute Service", "/compute/v2/{project_id}"),
    ("volumev2", "Volume Service", "/block-storage/v2/{project_id}"),
    ("image", "Image Service", "/image-service"),
    ("network", "Network Service", "/networking"),
    ("object-store", "Object Storage Service", "/object-storage/v1/nc_{project_id}"),
]


def digest(secret: str) -> str:
    # Passwords are stored by digest (accounts.py): a state file holds none.
    return hashlib.sha256(secret.encode()).hexdigest()


# --- tokens (sealed and opened by tokens.py; nothing is stored per token) ---------------------

def lookup_token(sim: SimState, token: str | None) -> dict | None:
    """What a token says (user, project, methods, audit id, times), or None when it is not one
    of ours, expired or revoked."""
    if not token or len(token) > 1024:
        return None
    return sim.tokens.open(token, sim.now())


def issue_token(sim: SimState, user: dict, project: dict | None, methods: list[str]) -> tuple[str, dict]:
    now, nonce = sim.now(), sim.ids.nonce()  # nonce first: the order seeded ids were drawn in
    doc = {"user_id": user["id"], "project_id": project["id"] if project else None,
           "methods": [m for m in methods if m in tokens.METHODS], "audit_id": sim.ids.audit_id(),
           "issued_at": now, "expires_at": now + sim.config.token_lifetime}
    return sim.tokens.seal(doc, nonce), with_names(doc, user, project)


def with_names(doc: dict, user: dict, project: dict | None) -> dict:
    """The token's contents and the names its body shows (looked up, as Keystone does)."""
    return {**doc, "user_name": user["name"], "project_name": project["name"] if project else None}


# The ids never change: worked out once (each is a uuid5, which cost a fifth of a token issue).
_CATALOG_IDS = {type_: (seed.stable_id("endpoint:" + type_).replace("-", ""),
                        seed.stable_id("service:" + type_).replace("-", ""))
                for type_, _, _ in CATALOG_V3}


def catalog_v3(sim: SimState, project_id: str) -> list[dict]:
    entries = []
    for type_, name, path in CATALOG_V3:
        endpoint_id, service_id = _CATALOG_IDS[type_]
        url = sim.base_url + path.format(project_id=project_id)
        entries.append({
            "endpoints": [{"id": endpoint_id, "interface": "public", "region": seed.REGION,
                           "region_id": seed.REGION, "url": url}],
            "id": service_id, "type": type_, "name": name})
    return entries


def token_body(sim: SimState, doc: dict, *, with_catalog: bool = True) -> dict:
    body = {
        "methods": doc["methods"],
        "user": {"domain": dict(seed.DOMAIN), "id": doc["user_id"], "name": doc["user_name"],
                 "password_expires_at": None},
        "audit_ids": [doc["audit_id"]],
        "expires_at": isoformat(doc["expires_at"], micro=True),
        "issued_at": isoformat(doc["issued_at"], micro=True),
    }
    if doc["project_id"]:
        body["project"] = {"domain": dict(seed.DOMAIN), "id": doc["project_id"],
                           "name": doc["project_name"]}
        body["is_domain"] = False
        body["roles"] = [dict(r) for r in seed.ROLES]
        if with_catalog:
            body["catalog"] = catalog_v3(sim, doc["project_id"])
    return {"token": body}


# --- request parsing --------------------------------------------------------------------------

def _expect(container: dict, key: str, where: str, kind: type = dict):
    """Keystone's wording for a missing or mistyped field of the auth request."""
    value = container.get(key)
    if value is None:
        raise ApiError(400, f"Expecting to find {key} in {where}. The server could not comply with "
                            "the request since it is either malformed or otherwise incorrect. "
                            "The client is assumed to be in error.")
    if not isinstance(value, kind):
        raise ApiError(400, f"Invalid input for field '{where}/{key}': {value!r} is not of type "
                            f"'{'object' if kind is dict else kind.__name__}'")
    return value


def _check_domain(ref: dict, where: str) -> None:
    # ConoHa's own NAME form has no domain; clients send {"name": "gnc"} or {"id": "default"}.
    domain = ref.get("domain")
    if domain is None:
        return
    if not isinstance(domain, dict):
        raise ApiError(400, f"Invalid input for field '{where}/domain': it must be an object")
    wanted = {domain.get("id"), domain.get("name")} - {None}
    if not wanted & {"gnc", "default", "Default"}:
        raise ApiError(401, AUTH_REQUIRED)


def _find(sim: SimState, kind: str, ref: dict, where: str) -> dict | None:
    if "id" in ref:
        if not isinstance(ref["id"], str):
            raise ApiError(400, f"Invalid input for field '{where}/id': it must be a string")
        return sim.store.get(kind, ref["id"])
    if "name" in ref:
        if not isinstance(ref["name"], str):
            raise ApiError(400, f"Invalid input for field '{where}/name': it must be a string")
        return next(iter(sim.store.find(kind, name=ref["name"])), None)
    raise ApiError(400, f"Expecting to find id or name in {where}. The server could not comply "
                        "with the request since it is either malformed or otherwise incorrect.")


def _password_user(sim: SimState, password_method: dict) -> dict:
    user_ref = _expect(password_method, "user", "identity/password")
    secret = _expect(user_ref, "password", "identity/password/user", str)
    _check_domain(user_ref, "identity/password/user")
    user = _find(sim, "user", user_ref, "identity/password/user")
    # Keystone never says which part was wrong (unknown user or bad password): both are 401.
    if user is None or user["password_sha256"] != digest(secret):
        raise ApiError(401, AUTH_REQUIRED)
    return user


def _scope_project(sim: SimState, auth: dict, user: dict) -> dict | None:
    scope = auth.get("scope")
    if scope is None or scope == "unscoped":
        return None
    if not isinstance(scope, dict):
        raise ApiError(400, "Invalid input for field 'scope': it must be an object")
    if "project" not in scope:
        # Domain and system scopes exist upstream; ConoHa API users are project users.
        raise ApiError(401, AUTH_REQUIRED)
    ref = _expect(scope, "project", "scope")
    _check_domain(ref, "scope/project")
    project = _find(sim, "project", ref, "scope/project")
    if project is None or project["id"] != user["project_id"]:
        raise ApiError(401, AUTH_REQUIRED)
    return project


# --- handlers ---------------------------------------------------------------------------------

def _version_v3(sim: SimState) -> dict:
    return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{sim.base_url}/identity/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.identity-v3+json"}]}


def _version_v2(sim: SimState) -> dict:
    return {"id": "v2.0", "status": "deprecated", "updated": "2015-05-12T09:00:00Z",
            "links": [{"rel": "self", "href": f"{sim.base_url}/identity/v2.0/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.identity-v2.0+json"}]}


def versions(call: Call) -> Reply:
    # Keystone answers its root with 300 Multiple Choices and points at the preferred version.
    body = {"versions": {"values": [_version_v3(call.sim), _version_v2(call.sim)]}}
    return Reply(body, 300, {"Location": f"{call.base_url}/identity/v3/"})


def version_v3(call: Call) -> Reply:
    return Reply({"version": _version_v3(call.sim)})


def version_v2(call: Call) -> Reply:
    return Reply({"version": _version_v2(call.sim)})


def create_token(call: Call) -> Reply:
    """POST /v3/auth/tokens: the password (or token) method, scoped to a project."""
    auth = call.body("auth")
    identity = _expect(auth, "identity", "auth")
    methods = _expect(identity, "methods", "identity", list)
    if not methods or not all(isinstance(m, str) for m in methods):
        raise ApiError(400, "Invalid input for field 'identity/methods': it must be a non-empty "
                            "list of method names, such as [\"password\"]")
    if "password" in methods:
        user = _password_user(call.sim, _expect(identity, "password", "identity"))
    elif "token" in methods:
        token_ref = _expect(identity, "token", "identity")
        previous = lookup_token(call.sim, token_ref.get("id") if isinstance(token_ref.get("id"), str) else None)
        if previous is None:
            raise ApiError(401, AUTH_REQUIRED)
        user = call.sim.store.get("user", previous["user_id"])
    else:
        raise ApiError(401, "Attempted to authenticate with an unsupported method.")
    project = _scope_project(call.sim, auth, user)
    token, doc = issue_token(call.sim, user, project, methods)
    body = token_body(call.sim, doc, with_catalog="nocatalog" not in call.request.args)
    return Reply(body, 201, {"X-Subject-Token": token, "Vary": "X-Auth-Token"})


def _subject(call: Call, action: str) -> tuple[str, dict]:
    subject = call.request.headers.get("X-Subject-Token")
    if not subject:
        raise ApiError(400, "Expecting to find X-Subject-Token in the request headers: "
                            "it names the token to check.")
    doc = lookup_token(call.sim, subject)
    if doc is None:
        raise ApiError(404, "Could not find token: it is unknown, revoked or expired.")
    # Keystone's policy lets a user check and revoke their own tokens only (admins aside, and
    # no ConoHa API user is one): otherwise anyone could log anyone else out.
    if doc["user_id"] != call.token["user_id"]:
        raise ApiError(403, f"You are not authorized to perform the requested action: {action}.")
    return subject, doc


def validate_token(call: Call) -> Reply:
    """GET (and HEAD) /v3/auth/tokens: is the X-Subject-Token still good, and what is it?"""
    _, doc = _subject(call, "identity:validate_token")
    project = call.sim.store.get("project", doc["project_id"]) if doc["project_id"] else None
    doc = with_names(doc, call.sim.store.get("user", doc["user_id"]), project)
    body = token_body(call.sim, doc, with_catalog="nocatalog" not in call.request.args)
    return Reply(body, 200, {"Vary": "X-Auth-Token"})


def revoke_token(call: Call) -> Reply:
    _, doc = _subject(call, "identity:revoke_token")
    call.sim.tokens.revoke(doc, call.sim.now())
    return Reply(None, 204)


def create_token_v2(call: Call) -> Reply:
    """POST /v2.0/tokens, the 2015 API: the token travels in the body, not in a header."""
    auth = call.body("auth")
    creds = _expect(auth, "passwordCredentials", "auth")
    username = _expect(creds, "username", "auth/passwordCredentials", str)
    secret = _expect(creds, "password", "auth/passwordCredentials", str)
    user = next(iter(call.sim.store.find("user", name=username)), None)
    if user is None or user["password_sha256"] != digest(secret):
        raise ApiError(401, AUTH_REQUIRED)
    project = None
    if "tenantId" in auth or "tenantName" in auth:
        ref = {"id": auth["tenantId"]} if "tenantId" in auth else {"name": auth["tenantName"]}
        project = _find(call.sim, "project", ref, "auth/tenant")
        if project is None or project["id"] != user["project_id"]:
            raise ApiError(401, AUTH_REQUIRED)
    token, doc = issue_token(call.sim, user, project, ["password"])
    access = {
        "token": {"issued_at": isoformat(doc["issued_at"], micro=True, z=False),
                  "expires": isoformat(doc["expires_at"]), "id": token,
                  "audit_ids": [doc["audit_id"]]},
        "serviceCatalog": [],
        "user": {"username": user["name"], "roles_links": [], "id": user["id"],
                 "roles": [{"name": r["name"]} for r in seed.ROLES], "name": user["name"]},
        "metadata": {"is_admin": 0, "roles": [r["id"] for r in seed.ROLES]},
    }
    if project:
        access["token"]["tenant"] = {"id": project["id"], "name": project["name"],
                                     "enabled": True, "description": "", "domain_id": "gnc"}
        access["serviceCatalog"] = [
            {"endpoints": [{"region": seed.LEGACY_REGION,
                            "publicURL": call.base_url + path.format(project_id=project["id"])}],
             "endpoints_links": [], "type": type_, "name": name}
            for type_, name, path in CATALOG_V2]
    return Reply({"access": access}, 200)


# --- what a token may read about itself (GET /v3/auth/*) --------------------------------------
# Keystone answers these for any valid token (keystone/api/auth.py); the shapes follow the
# api-ref samples get-service-catalog-response.json, get-available-project-scopes-response.json,
# get-available-domain-scopes-response.json and get-available-system-scopes-response.json
# (openstack/keystone api-ref/source/v3/samples/admin). ConoHa's reference documents none of
# them: upstream behaviour (see notes/sim-fidelity.md).

def _self_link(call: Call, path: str) -> dict:
    return {"self": f"{call.base_url}/identity/v3/{path}", "previous": None, "next": None}


def auth_catalog(call: Call) -> Reply:
    """GET /v3/auth/catalog: the catalog of the token's project (the same one the token holds)."""
    if not call.token["project_id"]:
        raise ApiError(403, "A project-scoped token is required to produce a service catalog.")
    return Reply({"catalog": catalog_v3(call.sim, call.token["project_id"]),
                  "links": _self_link(call, "auth/catalog")})


def auth_projects(call: Call) -> Reply:
    """GET /v3/auth/projects: the projects this user may scope a token to (on ConoHa, its tenant)."""
    user = call.sim.store.get("user", call.token["user_id"])
    project = call.sim.store.get("project", user["project_id"])
    entry = {"domain_id": project["domain_id"], "enabled": True, "id": project["id"],
             "links": {"self": f"{call.base_url}/identity/v3/projects/{project['id']}"},
             "name": project["name"]}
    return Reply({"projects": [entry], "links": _self_link(call, "auth/projects")})


def auth_domains(call: Call) -> Reply:
    """GET /v3/auth/domains: none. A ConoHa API user has a role on its tenant, not on a domain."""
    return Reply({"domains": [], "links": _self_link(call, "auth/domains")})


def auth_system(call: Call) -> Reply:
    """GET /v3/auth/system: empty, as Keystone answers a user with no system role assignment."""
    return Reply({"system": [], "links": {"self": f"{call.base_url}/identity/v3/auth/system"}})


def not_simulated(call: Call) -> Reply:
    """Services that real ConoHa lists in its catalog but this simulator does not model."""
    raise ApiError(501, f"The {call.service} service is in the catalog, as on real ConoHa, but this "
                        "simulator does not implement it. Use a real ConoHa account (live mode) "
                        "to try it.")


ROUTES = [
    Route("GET", "/identity", versions, auth=False),
    Route("GET", "/identity/v3", version_v3, auth=False),
    Route("POST", "/identity/v3/auth/tokens", create_token, auth=False),
    Route("GET", "/identity/v3/auth/tokens", validate_token),
    Route("DELETE", "/identity/v3/auth/tokens", revoke_token),
    Route("GET", "/identity/v3/auth/catalog", auth_catalog),
    Route("GET", "/identity/v3/auth/projects", auth_projects),
    Route("GET", "/identity/v3/auth/domains", auth_domains),
    Route("GET", "/identity/v3/auth/system", auth_system),
    Route("GET", "/identity/v2.0", version_v2, auth=False),
    Route("POST", "/identity/v2.0/tokens", create_token_v2, auth=False),
] + [Route(method, f"/{prefix}/<path:rest>", not_simulated, auth=False)
     for prefix in ("dns-service", "lbaas")
     for method in ("GET", "POST", "PUT", "DELETE")] + [
    Route("GET", f"/{prefix}", not_simulated, auth=False) for prefix in ("dns-service", "lbaas")]
