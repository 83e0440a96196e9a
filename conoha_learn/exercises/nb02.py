"""Exercises of notebook 02 (tokens with Keystone)."""

from __future__ import annotations

from ..i18n import N_
from . import register
from .answers import as_is, status_code
from .choice import Choice

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
