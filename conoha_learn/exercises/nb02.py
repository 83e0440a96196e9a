"""Exercises of notebook 02 (tokens with Keystone): two questions, and a login of your own."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from . import exercise, register
from .answers import Unjudgeable, as_is, status_code
from .choice import Choice
from .evidence import exchange_of, path_of

V2_BODY = N_("that is where the 2015 v2.0 API put the token, in the body; v3 uses a header.")

register("02.token-header",
         N_("In Keystone v3's answer to POST /v3/auth/tokens, which response header carries the "
            "token?"),
         N_("It is not in the JSON body (that was v2.0). Print response.headers and look for the "
            "header whose value is hidden."),
         Choice(expects=N_('answer with a header name as a string, e.g. "Content-Type".'),
                right=("x-subject-token",),
                clean=lambda name: name.rstrip(":"),
                near_misses=(
                    ("x-auth-token", N_("X-Auth-Token is the request header: you send the token "
                                        "in it on every later call. Keystone hands it out in a "
                                        "different header.")),
                    *((body_field, V2_BODY) for body_field in ("access.token.id", "token.id", "id"))),
                otherwise=N_("{answer!r} is not it; print response.headers and look again.")))

register("02.wrong-password-status",
         N_("Which HTTP status code does Keystone answer a wrong password with?"),
         N_("Scroll to the wrong-password cell: the error's first line starts with 'HTTP'."),
         Choice(expects=N_("answer with the status code as a number, e.g. 200."),
                read=status_code, fold=as_is,
                right=(401,),
                near_misses=(
                    (200, N_("200 OK is success.")),
                    (201, N_("201 Created is what a successful login gets.")),
                    (400, N_("400 Bad Request means the body itself was malformed (a missing "
                             "field, wrong JSON).")),
                    (403, N_("403 Forbidden means the server knows who you are but will not let "
                             "you do this; with a wrong password it does not know who you are.")),
                    (404, N_("404 Not Found means the URL is wrong, not the password.")),
                    (500, N_("500 is a server failure, not a wrong password."))),
                otherwise=N_("{answer} is not the one; a wrong password means 'not "
                             "authenticated'.")))


# --- a login of the learner's own (a build exercise) ------------------------------------------

LOGIN_PAIR = N_("pass two things, (response, token): what your requests.post(...) returned, and "
                "the token you took out of it.")
CONOHA_DOMAINS = {"gnc", "default", "Default"}


def _dig(body: Any, *keys: str) -> dict:
    """The object at ``body[keys[0]][keys[1]]...``, or {} where the body has none."""
    node = body
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _refused(body: Any, conn: Any) -> str:
    """Why Keystone said 401 to a well-formed v3 body: the domain, the user, the tenant, or the
    password (never quoted: the feedback names the field, not its value)."""
    user = _dig(body, "auth", "identity", "password", "user")
    project = _dig(body, "auth", "scope", "project")
    domain = user.get("domain")
    if isinstance(domain, dict) and not {domain.get("name"), domain.get("id")} & CONOHA_DOMAINS:
        return _("Keystone answered 401: the user's domain is not ConoHa's; ConoHa's API users "
                 "are in the domain gnc.")
    creds = getattr(conn, "credentials", None)
    if creds is not None:
        if user.get("name", creds.username) != creds.username and "id" not in user:
            return _("Keystone answered 401: there is no API user of that name; take it from "
                     "conn.credentials.username (gncu... on ConoHa).")
        if project.get("id", creds.project_id) != creds.project_id:
            return _("Keystone answered 401: the tenant in scope.project.id is not one your API "
                     "user belongs to; take the tenant ID from conn.credentials.project_id.")
    return _("Keystone answered 401: the password was refused. Take it from "
             "conn.credentials.password instead of typing it (never into a cell).")


def _token_problem(response: Any, token: Any) -> str | None:
    """None when ``token`` is the one in the answer's X-Subject-Token header."""
    sent = response.headers.get("X-Subject-Token")
    if isinstance(token, str) and sent and token == sent:
        return None
    if token is Ellipsis or token is None:
        return _("the login worked; now take the token out of the answer too (Keystone v3 puts "
                 "it in a response header).")
    if isinstance(token, (dict, list)) or (isinstance(token, str) and token and token in response.text):
        return _("that comes from the JSON body, which describes the token (user, tenant, "
                 "catalog); v3 sends the token itself in the X-Subject-Token response header.")
    return _("that is not the token of this answer: read the X-Subject-Token response header.")


@exercise("02.v3-login",
          N_("Log in yourself: write the Keystone v3 password body (API user, domain, password, "
             "tenant scope) and POST it with plain requests to creds.auth_url + \"/auth/tokens\". "
             "Pass (response, token)."),
          N_("Section 3 shows the shape: auth.identity (methods and password.user) and auth.scope "
             "(project.id). Take every value from creds; the token is in a response header."),
          builds=True)
def v3_login(answer: Any, conn: Any) -> str | None:
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Unjudgeable(_(LOGIN_PAIR))
    response, token = answer
    if not hasattr(response, "headers") or not hasattr(response, "text"):
        raise Unjudgeable(_(LOGIN_PAIR))
    exchange = exchange_of(response, LOGIN_PAIR)
    path = path_of(exchange)
    if path.endswith("/v2.0/tokens"):
        return _("that is the v2.0 URL of 2015; ConoHa VPS Ver.3.0 speaks v3: POST to "
                 "creds.auth_url + \"/auth/tokens\".")
    if exchange.method != "POST" or not path.endswith("/v3/auth/tokens"):
        return _("a login is a POST to creds.auth_url + \"/auth/tokens\"; yours was {method} "
                 "{path}.").format(
            method=exchange.method, path=path)
    body = exchange.request_body
    auth = body.get("auth") if isinstance(body, dict) else None
    if isinstance(auth, dict) and "passwordCredentials" in auth:
        return _("you sent the v2.0 body (auth.passwordCredentials) to the v3 URL, and Keystone "
                 "answered {status}: v3 wants auth.identity (methods, password.user) and "
                 "auth.scope.").format(status=exchange.status)
    if exchange.status == 401:
        return _refused(body, conn)
    if exchange.status != 201:
        return _("Keystone answered {status}: the body is not what v3 expects; compare it with "
                 "section 3's, key by key (response.json() says which key is missing).").format(
                     status=exchange.status)
    details = exchange.response_body.get("token", {}) if isinstance(exchange.response_body, dict) else {}
    if "project" not in details or not details.get("catalog"):
        return _("Keystone gave you an unscoped token: no tenant, so no catalog and no servers. "
                 "Add auth.scope.project.id, the tenant ID.")
    return _token_problem(response, token)
