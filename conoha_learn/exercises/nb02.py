"""Exercises of notebook 02 (tokens with Keystone)."""

from __future__ import annotations

from . import exercise


@exercise("02.token-header",
          "In Keystone v3's answer to POST /v3/auth/tokens, which response header carries the token?",
          "It is not in the JSON body (that was v2.0). Print response.headers and look for the "
          "header whose value is hidden.")
def token_header(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with a header name as a string, e.g. "Content-Type".'
    name = answer.strip().rstrip(":").lower()
    if name == "x-subject-token":
        return None
    if name == "x-auth-token":
        return ("X-Auth-Token is the request header: you send the token in it on every later "
                "call. Keystone hands it out in a different header.")
    if name in ("access.token.id", "token.id", "id"):
        return "that is where the 2015 v2.0 API put the token, in the body; v3 uses a header."
    return f"{answer!r} is not it; print response.headers and look again."


STATUS_MEANINGS = {
    200: "200 OK is success", 201: "201 Created is what a successful login gets",
    400: "400 Bad Request means the body itself was malformed (a missing field, wrong JSON)",
    403: ("403 Forbidden means the server knows who you are but will not let you do this; with a "
          "wrong password it does not know who you are"),
    404: "404 Not Found means the URL is wrong, not the password",
    500: "500 is a server failure, not a wrong password",
}


@exercise("02.wrong-password-status",
          "Which HTTP status code does Keystone answer a wrong password with?",
          "Scroll to the wrong-password cell: the error's first line starts with 'HTTP'.")
def wrong_password_status(answer, conn):
    if isinstance(answer, bool) or not isinstance(answer, (int, str)):
        return "answer with the status code as a number, e.g. 200."
    text = str(answer).strip()
    if not text.isdigit():
        return "answer with the status code as a number, e.g. 200."
    code = int(text)
    if code == 401:
        return None
    if code in STATUS_MEANINGS:
        return STATUS_MEANINGS[code] + "."
    return f"{code} is not the one; a wrong password means 'not authenticated'."
