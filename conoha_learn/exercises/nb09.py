"""Exercises of notebook 09 (object storage): upload an object, make its container public.

Both are build-something exercises. The learner passes the response of their own request; the
checker reads what was sent (method, URL, headers) and then looks at the real state through the
API: the object's ETag and Content-Type with the learner's token, and an anonymous GET without
one, exactly what a browser would send. That works the same in sim, replay and live mode.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import NotFound
from ..http import Exchange
from ..i18n import N_, _
from . import exercise
from .answers import require_connection
from .evidence import exchange_of, header, path_of

CONTAINER = "exercise-09"
OBJECT = "greeting"                   # no extension: Swift cannot guess a type from the name
CONTENT = "Hello, object storage!\n"
CONTENT_TYPE = "text/plain"
PUBLIC_READ = ".r:*"                  # Swift's referrer ACL: any referrer, so anyone, may read
GIVE_THE_UPLOAD = N_("pass what your upload returned: the response of requests.put(...) for "
                     "the object (or conn.last_exchange after conn.object_store.upload).")
GIVE_THE_ACL_REQUEST = N_("pass what the request that made the container public returned: the "
                          "response of requests.post(...) (or requests.put(...)).")


def _segments(exchange: Exchange, conn: Any) -> list[str] | None:
    """The URL's path after the object-store endpoint, as names: [] for the account,
    [container] for a container, [container, 'a', 'b'] for object 'a/b'. None when the request
    did not go to this catalog's object-store endpoint."""
    endpoint = urlsplit(conn.endpoint("object-store"))
    base, path = endpoint.path.rstrip("/"), path_of(exchange)
    if urlsplit(exchange.url).netloc != endpoint.netloc or \
            not (path == base or path.startswith(base + "/")):
        return None
    rest = path[len(base):].strip("/")
    return [unquote(part) for part in rest.split("/")] if rest else []


def _not_the_endpoint() -> str:
    return _("that request did not go to your object storage: build the URL from "
             "conn.endpoint(\"object-store\") (…/v1/AUTH_<tenant id>), then /{container}/{name}."
             ).format(container=CONTAINER, name=OBJECT)


def _common_failures(exchange: Exchange) -> str | None:
    """What any status other than success says, for both exercises."""
    if exchange.status == 401:
        return _("401: the request carried no valid token. Send it in the X-Auth-Token header "
                 "(conn.token.id).")
    if exchange.status == 403:
        return _("403: that account is not yours. Use the object-store URL of your own catalog.")
    if exchange.status >= 400:
        return _("the request failed with {status} {reason}; read the body it answered with.").format(
            status=exchange.status, reason=exchange.reason)
    return None


def _media_type(content_type: str | None) -> str:
    """``text/plain; charset=utf-8`` → ``text/plain``."""
    return (content_type or "").split(";")[0].strip().lower()


@exercise("09.upload",
          N_("Create the container exercise-09 and upload to it an object named greeting whose "
             "content is the text 'Hello, object storage!' and a newline, with the Content-Type "
             "text/plain. Pass the response of your upload."),
          N_("Two PUTs: first the container's URL, then the object's URL with the bytes as the "
             "body (data=...) and a Content-Type header. Sections 3 and 4 do the same."),
          builds=True)
def upload(answer: Any, conn: Any) -> str | None:
    exchange = exchange_of(answer, GIVE_THE_UPLOAD)
    conn = require_connection(conn)
    parts = _segments(exchange, conn)
    if parts is None:
        return _not_the_endpoint()
    if exchange.method != "PUT":
        return _("an upload is a PUT to the object's URL with the file as the body; this was a "
                 "{method}.").format(method=exchange.method)
    if len(parts) < 2:
        return _("that PUT made the container (or aimed at the account); now PUT the object "
                 "inside it, …/{container}/{name}, and pass that response.").format(
                     container=CONTAINER, name=OBJECT)
    if parts[0] != CONTAINER:
        return _("that went into the container {given!r}; the task's container is {container!r}."
                 ).format(given=parts[0], container=CONTAINER)
    name = "/".join(parts[1:])
    if name != OBJECT:
        return _("the object is called {given!r}; the task asks for {name!r} (no extension)."
                 ).format(given=name, name=OBJECT)
    if exchange.status == 404:
        return _("404: the container did not exist yet. Swift never makes one for you: PUT "
                 "…/{container} first, then upload again.").format(container=CONTAINER)
    problem = _common_failures(exchange)
    if problem:
        return problem
    return _stored_object_problem(exchange, conn)


def _stored_object_problem(exchange: Exchange, conn: Any) -> str | None:
    """Look at the object as it is stored now (HEAD with the learner's token)."""
    try:
        stored = conn.request("HEAD", "object-store", f"/{CONTAINER}/{OBJECT}", raw=True)
    except NotFound:
        return _("the object is not there (any more): upload it again, and delete it only after "
                 "checking.")
    etag = stored.headers.get("ETag", "").strip('"')
    want = hashlib.md5(CONTENT.encode(), usedforsecurity=False).hexdigest()
    if etag != want:
        if _media_type(header(exchange, "Content-Type")) == "application/json":
            return _("json=... sent the text as a JSON string, quotes included. Send the bytes "
                     "themselves with data=... and your own Content-Type header.")
        return _("the stored bytes are not the task's text: the ETag {etag} is the MD5 of what "
                 "arrived, and the text's MD5 is {want}. Check every character, the final newline "
                 "too.").format(etag=etag, want=want)
    stored_type = _media_type(stored.headers.get("Content-Type"))
    if stored_type == "application/octet-stream":
        return _("it is stored as application/octet-stream: no Content-Type was sent, and Swift "
                 "cannot guess one from a name without an extension. Send Content-Type: "
                 "{type} with the upload.").format(type=CONTENT_TYPE)
    if stored_type != CONTENT_TYPE:
        return _("it is stored as {given}; the task asks for {type}, which a browser shows as "
                 "text.").format(given=stored_type, type=CONTENT_TYPE)
    return None


@exercise("09.public-container",
          N_("Make the container exercise-09 public, so that anyone can GET its object greeting "
             "without a token. Pass the response of the request that made it public."),
          N_("A read ACL belongs to the container: POST its URL with the header X-Container-Read "
             "and the value that means 'any referrer'. Section 8 shows it."),
          builds=True)
def public_container(answer: Any, conn: Any) -> str | None:
    exchange = exchange_of(answer, GIVE_THE_ACL_REQUEST)
    conn = require_connection(conn)
    parts = _segments(exchange, conn)
    if parts is None:
        return _not_the_endpoint()
    acl = header(exchange, "X-Container-Read")
    if acl is None:
        if header(exchange, "X-Container-Meta-Read") is not None:
            return _("X-Container-Meta-Read only stores a piece of metadata called 'read'. The ACL "
                     "is the header X-Container-Read, without 'Meta'.")
        return _("this request set no read ACL: send the header X-Container-Read to the "
                 "container's URL.")
    if len(parts) >= 2:
        return _("you sent X-Container-Read to an object's URL. An ACL belongs to the container: "
                 "POST it to …/{container}.").format(container=CONTAINER)
    if not parts:
        return _("that went to the account's URL; the ACL is set on the container, "
                 "…/{container}.").format(container=CONTAINER)
    if exchange.method not in ("POST", "PUT"):
        return _("set an ACL with POST (or PUT) to the container's URL; this was a {method}."
                 ).format(method=exchange.method)
    if parts[0] != CONTAINER:
        return _("that opened the container {given!r}; the task's is {container!r}.").format(
            given=parts[0], container=CONTAINER)
    problem = _common_failures(exchange)
    if problem:
        return problem
    entries = [entry.strip() for entry in acl.split(",") if entry.strip()]
    if PUBLIC_READ not in entries:
        if entries == [".rlistings"]:
            return _(".rlistings lets anyone list the container, and only together with .r:*; on "
                     "its own it opens nothing.")
        return _("{acl!r} is not the ACL for everyone: Swift's rule for any referrer is written "
                 ".r:* (dot, r, colon, star).").format(acl=acl)
    return _anonymous_read_problem(conn)


def _anonymous_read_problem(conn: Any) -> str | None:
    """GET the object as a stranger would: no token."""
    response, _exchange = conn.transport.request("GET", conn.object_store.url(CONTAINER, OBJECT))
    if response.status_code == 404:
        return _("the container is public, but it holds no object {name!r}: upload it "
                 "(exercise 09.upload), then check again.").format(name=OBJECT)
    if response.status_code >= 400:
        return _("an anonymous GET of the object still gets {status}: the container is not "
                 "public (any more). HEAD it and look at X-Container-Read.").format(
                     status=response.status_code)
    return None
