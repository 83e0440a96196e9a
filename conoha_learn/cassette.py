"""Cassettes: record a notebook's HTTP exchanges once, replay them later without a network.

A cassette is a YAML file holding every request a notebook sent and the answer it got, in order.
There is one per notebook, next to it: ``notebooks/02_tokens.ipynb`` ->
``notebooks/cassettes/02_tokens.yaml``. Underneath is vcrpy, which patches ``http.client`` and
urllib3 for the whole process, so requests, openstacksdk and the in-process ``%openstack`` magic
are all recorded and replayed; nothing else in the code has to know.

Modes (``CONOHA_LEARN_MODE``)::

    replay   every request is answered from the cassette; no socket is opened. A request that
             is not in the cassette fails with `NotInCassette`, naming it and how to re-record.
    record   requests go out for real (to the simulator or to ConoHa) and are written, scrubbed,
             to the cassette when recording ends.

Which cassette (the kernel does not know its notebook's file name), first match wins:

1. ``CONOHA_LEARN_CASSETTE``: a path, set per notebook by ``conoha-learn record`` and by the
   nbval hook in ``notebooks/conftest.py`` (`nbval_environment`);
2. ``JPY_SESSION_NAME``: the notebook path Jupyter Server gives every kernel it starts, so a
   notebook opened in JupyterLab with ``CONOHA_LEARN_MODE=replay`` finds its own cassette.

When it starts, so that a notebook needs no test-only code: in kernels started by
``conoha-learn record`` and by nbval, an IPython start-up file (`kernel_startup_dir`) activates
it before the first cell; elsewhere (JupyterLab) ``import conoha_learn`` in a kernel,
``cl.connect()`` and ``%openstack`` do. In replay it also puts the cassette's (scrubbed)
credentials into ``OS_*``, because those are what the recorded requests used. Scripts and tests
use the context manager::

    with use_cassette("x.yaml", mode="replay"):
        ...

Scrubbing happens before anything is written (`Scrubber`, on copies: the live responses are
untouched). Tokens, passwords, ``adminPass``, user and tenant ids and names and key material
become stable placeholders such as ``TOKEN_1`` or ``TENANT_ID_1`` (the same secret always gets
the same placeholder, in URLs, headers and bodies, so the cassette still replays consistently);
the simulator's ``http://127.0.0.1:<port>`` becomes ``http://127.0.0.1:8765`` whatever port it
had; token expiry moves to the year 9999 so replay never needs a new token.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Iterator, Mapping

from .config import MODE_VARIABLE
from .errors import ConfigError, ConohaLearnError
from .http import NOISE_HEADERS
from .redact import SECRET_HEADERS

CASSETTE_VARIABLE = "CONOHA_LEARN_CASSETTE"
SESSION_VARIABLE = "JPY_SESSION_NAME"  # set by Jupyter Server: the notebook's absolute path
CASSETTE_DIR = "cassettes"

# Where the simulator seems to listen in every cassette: its default port, so replayed outputs
# show the same URLs a learner sees with `make lab`. Replay never connects, so the port may be busy.
CANONICAL_BASE = "http://127.0.0.1:8765"
LOOPBACK_BASE = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+")

# Keystone writes expires_at with microseconds (v3) and expires without (v2.0).
FAR_FUTURE = {"expires_at": "9999-12-31T23:59:59.000000Z", "expires": "9999-12-31T23:59:59Z"}

# Every placeholder looks like this, so the audit (audit.py) can tell a scrubbed value from a secret.
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]*_\d+\b")


# --- which cassette -----------------------------------------------------------------------------

def cassette_for(notebook: str | os.PathLike) -> Path:
    """``notebooks/02_tokens.ipynb`` -> ``notebooks/cassettes/02_tokens.yaml``."""
    notebook = Path(notebook)
    return notebook.parent / CASSETTE_DIR / f"{notebook.stem}.yaml"


def notebook_for(cassette: str | os.PathLike) -> Path:
    """The notebook a cassette belongs to (the inverse of `cassette_for`)."""
    cassette = Path(cassette)
    return cassette.parent.parent / f"{cassette.stem}.ipynb"


def selected_cassette(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cassette chosen by CONOHA_LEARN_CASSETTE, else by Jupyter's JPY_SESSION_NAME."""
    if environ.get(CASSETTE_VARIABLE):
        return Path(environ[CASSETTE_VARIABLE])
    session = environ.get(SESSION_VARIABLE, "")
    if session.endswith(".ipynb"):
        return cassette_for(session)
    return None


def _shown(path: Path) -> str:
    """A path as the learner typed it: relative to the current folder when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def record_command(cassette: str | os.PathLike) -> str:
    return f"conoha-learn record {_shown(notebook_for(cassette))}"


# --- scrubbing ----------------------------------------------------------------------------------

# JSON keys whose string values are secrets (or identify the account) wherever they appear.
FIELD_KINDS = {
    "password": "PASSWORD", "adminpass": "ADMIN_PASS", "admin_pass": "ADMIN_PASS",
    "private_key": "PRIVATE_KEY", "public_key": "PUBLIC_KEY", "secret": "SECRET",
    "user_id": "USER_ID", "username": "USER_NAME", "user_name": "USER_NAME",
    "project_id": "TENANT_ID", "tenant_id": "TENANT_ID", "tenantid": "TENANT_ID",
    "project_name": "TENANT_NAME", "tenant_name": "TENANT_NAME", "tenantname": "TENANT_NAME",
}
# Keys that are secrets only inside a particular object: {"user": {"id", "name"}}, {"token": {"id"}}.
NESTED_KINDS = {
    ("user", "id"): "USER_ID", ("user", "name"): "USER_NAME",
    ("project", "id"): "TENANT_ID", ("project", "name"): "TENANT_NAME",
    ("tenant", "id"): "TENANT_ID", ("tenant", "name"): "TENANT_NAME",
    ("token", "id"): "TOKEN",
}
# NOISE_HEADERS (http.py) are left out of cassettes too, so that recording twice gives the same
# file; Content-Length is recomputed on load. SECRET_HEADERS (redact.py) carry tokens.
# Secrets recognised by shape, wherever they are (a safety net for places no rule foresaw).
SHAPES = [
    ("TOKEN", re.compile(r"gAAAAA[A-Za-z0-9_\-]{20,}=*")),  # Keystone Fernet tokens
    ("PRIVATE_KEY", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                               re.DOTALL)),
]
# Variables of the recording process whose values must never reach a cassette.
SECRET_VARIABLES = {"OS_PASSWORD": "PASSWORD", "OS_TOKEN": "TOKEN",
                    "OS_APPLICATION_CREDENTIAL_SECRET": "SECRET", "OS_CLIENT_SECRET": "SECRET"}
MIN_SECRET_LENGTH = 4  # shorter values are replaced where their key says so, not everywhere


class Scrubber:
    """Learns the secrets in a set of exchanges, then replaces them by stable placeholders.

    Two passes, because a value may first appear before the response that says it is secret
    (a tenant id in a URL, say): `learn` every exchange, then scrub each one. Placeholders are
    numbered per kind in order of first appearance, so the same recording always gives the same
    file.
    """

    def __init__(self) -> None:
        self.placeholders: dict[str, str] = {}  # secret value -> placeholder
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern | None = None

    # -- learning --------------------------------------------------------------------------------
    def add(self, value: Any, kind: str) -> None:
        if not isinstance(value, str) or not value or value in self.placeholders:
            return
        if PLACEHOLDER.fullmatch(value) or value in FAR_FUTURE.values():
            return  # already scrubbed
        self._counts[kind] = self._counts.get(kind, 0) + 1
        self.placeholders[value] = f"{kind}_{self._counts[kind]}"
        self._pattern = None

    def learn_text(self, text: str) -> None:
        for kind, shape in SHAPES:
            for match in shape.finditer(text):
                self.add(match.group(0), kind)

    def learn_json(self, value: Any, parent: str = "") -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                kind = _kind(key, parent)
                if kind and isinstance(item, str):
                    self.add(item, kind)
                else:
                    self.learn_json(item, parent=key.lower())
        elif isinstance(value, list):
            for item in value:
                self.learn_json(item, parent)
        elif isinstance(value, str):
            self.learn_text(value)

    def learn_body(self, body: Any) -> None:
        parsed = _parse_json(body)
        if parsed is not None:
            self.learn_json(parsed)
        elif isinstance(body, (str, bytes)):
            with contextlib.suppress(UnicodeDecodeError):  # binary: nothing readable to learn
                self.learn_text(_as_text(body))

    def learn_headers(self, headers: Mapping[str, Any]) -> None:
        for name, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                if name.lower() in SECRET_HEADERS:
                    self.add(_header_text(item), "TOKEN")
                else:
                    self.learn_text(_header_text(item))

    def learn_environment(self, environ: Mapping[str, str]) -> None:
        for variable, kind in SECRET_VARIABLES.items():
            self.add(environ.get(variable), kind)

    # -- replacing -------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """Any string: the loopback base made canonical, every known secret replaced."""
        text = LOOPBACK_BASE.sub(CANONICAL_BASE, text)
        for kind, shape in SHAPES:  # unknown ones too, should a value slip past learning
            text = shape.sub(lambda m, kind=kind: self.placeholders.get(m.group(0), kind + "_0"), text)
        pattern = self._secret_pattern()
        return pattern.sub(lambda m: self.placeholders[m.group(0)], text) if pattern else text

    def _secret_pattern(self) -> re.Pattern | None:
        if self._pattern is None:
            # Whole values only (not inside a longer word), longest first: a user named "admin"
            # must not turn "adminPass" into "USER_NAME_1Pass".
            values = sorted((v for v in self.placeholders if len(v) >= MIN_SECRET_LENGTH),
                            key=len, reverse=True)
            if values:
                self._pattern = re.compile(r"(?<![A-Za-z0-9])(?:"
                                           + "|".join(map(re.escape, values)) + r")(?![A-Za-z0-9])")
        return self._pattern

    def json(self, value: Any, parent: str = "") -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                kind = _kind(key, parent)
                if kind and isinstance(item, str) and item:
                    out[self.text(key)] = self.placeholders.get(item) or self.text(item)
                elif parent == "token" and key in FAR_FUTURE and isinstance(item, str):
                    out[key] = FAR_FUTURE[key]  # replay must never think the token expired
                else:
                    out[self.text(key)] = self.json(item, parent=key.lower())
            return out
        if isinstance(value, list):
            return [self.json(item, parent) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, body: Any) -> Any:
        """A request or response body, scrubbed; JSON comes back as compact JSON text."""
        parsed = _parse_json(body)
        if parsed is not None:
            return json.dumps(self.json(parsed), ensure_ascii=False)
        if isinstance(body, (str, bytes)):
            try:
                return self.text(_as_text(body))
            except UnicodeDecodeError:
                return body  # binary (an image upload, say): nothing we could read, left alone
        return body

    def header(self, name: str, value: str) -> str:
        if name.lower() in SECRET_HEADERS:
            return self.placeholders.get(value) or "TOKEN_0"
        return self.text(value)


def _kind(key: str, parent: str) -> str | None:
    lowered = key.lower()
    return FIELD_KINDS.get(lowered) or NESTED_KINDS.get((parent, lowered))


def _as_text(body: str | bytes) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else body


def _header_text(value: Any) -> str:
    """http.client accepts header values as bytes too."""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _parse_json(body: Any) -> Any:
    """The parsed JSON of a body, or None when it is empty or not JSON."""
    if not isinstance(body, (str, bytes)) or not body:
        return None
    try:
        text = _as_text(body)
    except UnicodeDecodeError:
        return None
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def learn_interactions(scrubber: Scrubber, interactions: list[tuple[Any, dict]]) -> None:
    """Teach ``scrubber`` the secrets of vcrpy (request, response) pairs, in order."""
    for request, response in interactions:
        scrubber.learn_body(request.body)
        scrubber.learn_headers(dict(request.headers))
        scrubber.learn_headers(response.get("headers") or {})
        scrubber.learn_body((response.get("body") or {}).get("string"))
    scrubber.learn_environment(os.environ)


def scrub_interaction(request: Any, response: dict, scrubber: Scrubber) -> tuple[Any, dict]:
    """A vcrpy (request, response) pair with secrets replaced and noise headers left out."""
    request.uri = scrubber.text(request.uri)
    request.headers = {name: scrubber.header(name, _header_text(value))
                       for name, value in request.headers.items()
                       if name.lower() not in NOISE_HEADERS}
    request.body = scrubber.body(request.body)
    response["headers"] = {name: [scrubber.header(name, _header_text(v)) for v in values]
                           for name, values in (response.get("headers") or {}).items()
                           if name.lower() not in NOISE_HEADERS}
    body = response.setdefault("body", {})
    body["string"] = scrubber.body(body.get("string"))
    return request, response


def _scrub_before_save(request: Any, response: dict, cassette: Any) -> tuple[Any, dict]:
    """vcrpy's before_save_interaction hook: it gets copies, so live responses stay intact.

    The scrubber learns from the whole cassette once per save, then scrubs each interaction.
    """
    key = len(cassette.data)
    cached = getattr(cassette, "_conoha_scrubber", None)
    if cached is None or cached[0] != key:
        scrubber = Scrubber()
        learn_interactions(scrubber, cassette.data)
        cached = cassette._conoha_scrubber = (key, scrubber)
    return scrub_interaction(request, response, cached[1])


# --- the file format: YAML, bodies as pretty JSON -----------------------------------------------

HEADER_COMMENT = """\
# HTTP exchanges recorded by conoha-learn, scrubbed: tokens, passwords, ids and names of the
# account are placeholders (TOKEN_1, TENANT_ID_1...). Replayed by CONOHA_LEARN_MODE=replay.
# Do not edit by hand; re-record with: conoha-learn record NOTEBOOK.ipynb
"""


def _pretty(body: Any) -> Any:
    parsed = _parse_json(body)
    if parsed is None:
        return body
    return json.dumps(parsed, indent=2, ensure_ascii=False)


def _sorted_headers(headers: Mapping[str, Any]) -> dict[str, list[str]]:
    return {name: list(headers[name]) for name in sorted(headers, key=str.lower)}


class YamlJsonSerializer:
    """vcrpy serializer: readable YAML with pretty-printed JSON bodies in ``|`` blocks.

    On load, JSON bodies are served compact again (as the simulator sends them) with a matching
    Content-Length, so a replayed response has the same bytes as the recorded one.
    """

    @staticmethod
    def serialize(data: dict) -> str:
        import yaml

        interactions = []
        for item in data["interactions"]:
            request, response = item["request"], item["response"]
            interactions.append({
                "request": {"method": request["method"], "uri": request["uri"],
                            "headers": _sorted_headers(request["headers"]),
                            "body": _pretty(request["body"])},
                "response": {"status": response["status"],
                             "headers": _sorted_headers(response["headers"]),
                             "body": {"string": _pretty(response["body"]["string"])}}})
        document = {"version": data["version"], "interactions": interactions}
        return HEADER_COMMENT + yaml.dump(document, Dumper=_dumper(), sort_keys=False,
                                          allow_unicode=True, width=4096)

    @staticmethod
    def deserialize(text: str) -> dict:
        import yaml

        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        for item in data.get("interactions") or []:
            response = item["response"]
            body = response["body"].get("string")
            parsed = _parse_json(body)
            if parsed is not None:
                body = response["body"]["string"] = json.dumps(parsed, ensure_ascii=False)
            size = len(body.encode("utf-8") if isinstance(body, str) else body or b"")
            response["headers"]["Content-Length"] = [str(size)]
        return data


def _dumper() -> type:
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None  # multi-line bodies as readable blocks
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


class Utf8Persister:
    """vcrpy persister: UTF-8 whatever the locale, ``\\n`` line ends, written atomically."""

    @staticmethod
    def load_cassette(cassette_path: str | os.PathLike, serializer: Any) -> tuple:
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        return deserialize(path.read_text(encoding="utf-8"), serializer)

    @staticmethod
    def save_cassette(cassette_path: str | os.PathLike, cassette_dict: dict, serializer: Any) -> None:
        from vcr.serialize import serialize

        path = Path(cassette_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "w", encoding="utf-8", newline="\n") as f:
            f.write(serialize(cassette_dict, serializer))
        os.replace(partial, path)


# --- replay -------------------------------------------------------------------------------------

class NotInCassette(ConohaLearnError):
    """Replay was asked for a request the cassette does not hold."""

    def __init__(self, request: Any, cassette_path: str | os.PathLike, *, recorded: int, played: int):
        self.method, self.url = request.method, request.uri
        super().__init__(
            f"Replay: this request is not in the cassette:\n    {request.method} {request.uri}\n"
            f"Cassette: {_shown(Path(cassette_path))} ({recorded} exchanges, {played} replayed so far). "
            "The notebook now sends something it did not send when the cassette was recorded "
            "(an edited cell, or cells run in another order?).",
            hint=f"re-record it with `{record_command(cassette_path)}`, run the cells from the top "
                 "(Kernel > Restart and Run All), or use the simulator: CONOHA_LEARN_MODE=sim.")


# Methods that read without changing anything: asked again, they may get the last answer again.
REPEATABLE = {"GET", "HEAD"}

_CASSETTE_CLASS: type | None = None


def _cassette_class() -> type:
    """vcrpy's Cassette, with replay that keeps polling sequences in order (built on first use)."""
    global _CASSETTE_CLASS
    if _CASSETTE_CLASS is not None:
        return _CASSETTE_CLASS
    from vcr.cassette import Cassette
    from vcr.record_mode import RecordMode
    from vcr.stubs import compat

    def get_headers(message: Any) -> Iterator[tuple[str, list[str]]]:
        # vcrpy walks set(message.keys()), so replayed headers came out in a different order in
        # every process and a notebook printing them never matched its saved output. Keep the
        # recorded order (each name once, all its values).
        for key in dict.fromkeys(message.keys()):
            yield key, message.get_all(key)

    compat.get_headers = get_headers

    class ConohaCassette(Cassette):
        """Replays each recorded answer once, in order; repeated GETs fall back to the last one.

        Why not vcrpy's ``allow_playback_repeats``: it always answers with the *first* match, so
        a server polled BUILD, BUILD, ACTIVE would look BUILD forever. Why not vcrpy's default:
        keystoneauth and openstacksdk fetch version documents more often than a recording may
        show (their caches differ between runs), and a read-only GET asked once more than
        recorded is answered by the latest recorded answer, which is what the server would say.
        """

        def _load(self) -> None:
            if self.record_mode != RecordMode.ALL:  # a recording starts from nothing
                super()._load()

        def _choose(self, request: Any) -> int | None:
            matches = [index for index, _ in self._responses(request)]
            unplayed = [index for index in matches if self.play_counts[index] == 0]
            if unplayed:
                return unplayed[0]
            if matches and request.method in REPEATABLE:
                return matches[-1]
            return None

        def __contains__(self, request: Any) -> bool:
            return self._choose(request) is not None

        def can_play_response_for(self, request: Any) -> bool:
            if self.record_mode == RecordMode.NONE and self._choose(request) is None:
                raise NotInCassette(request, self._path, recorded=len(self.data),
                                    played=sum(1 for c in self.play_counts.values() if c))
            return super().can_play_response_for(request)

        def play_response(self, request: Any) -> dict:
            index = self._choose(request)
            if index is None:
                raise NotInCassette(request, self._path, recorded=len(self.data),
                                    played=sum(1 for c in self.play_counts.values() if c))
            self.play_counts[index] += 1
            return self.data[index][1]

    _CASSETTE_CLASS = ConohaCassette
    return ConohaCassette


def _cassette_context(path: Path, mode: str) -> Any:
    """vcrpy's context manager for ``path``: not entered yet."""
    from vcr import matchers
    from vcr.filters import decode_response

    if mode not in ("record", "replay"):
        raise ConfigError(f"A cassette is recorded or replayed, not {mode!r}.")
    if mode == "replay" and not Path(path).is_file():
        raise ConfigError(f"No cassette at {_shown(Path(path))}, so there is nothing to replay.",
                          hint=f"record it with `{record_command(path)}`, "
                               "or use the simulator: CONOHA_LEARN_MODE=sim.")
    return _cassette_class().use(
        path=str(path),
        record_mode="all" if mode == "record" else "none",
        match_on=(matchers.method, matchers.scheme, matchers.host, matchers.port,
                  matchers.path, matchers.query),
        serializer=YamlJsonSerializer,
        persister=Utf8Persister,
        before_record_response=decode_response,  # gzip from a live cloud: store readable text
        before_save_interaction=_scrub_before_save)


@contextlib.contextmanager
def use_cassette(path: str | os.PathLike, mode: str = "replay") -> Iterator[Any]:
    """Record into, or replay from, the cassette at ``path`` while the block runs.

    Yields vcrpy's Cassette (``.play_count``, ``len()``). Create clients and sessions *inside*
    the block: a connection opened before it keeps its real socket.
    """
    with _cassette_context(Path(path), mode) as cassette:
        yield cassette


# --- process-wide activation (notebook kernels) -------------------------------------------------

_ACTIVE: dict[str, Any] = {}  # {"mode", "path", "context", "cassette"} while a cassette is in use


def pause(seconds: float) -> None:
    """``time.sleep``, except while replaying: recorded answers need no waiting (polls, retries)."""
    if not (_ACTIVE and _ACTIVE["mode"] == "replay"):
        time.sleep(seconds)


def active() -> tuple[str, Path] | None:
    """(mode, path) of the cassette in use in this process, or None."""
    return (_ACTIVE["mode"], _ACTIVE["path"]) if _ACTIVE else None


def activate(mode: str, path: str | os.PathLike | None) -> Path:
    """Start recording or replaying ``path`` for the rest of this process (idempotent).

    Recording is written when `deactivate` runs, at the latest when the process exits.
    """
    if path is None:
        raise ConfigError(f"{MODE_VARIABLE}={mode} needs a cassette, but none is selected.",
                          hint=f"set {CASSETTE_VARIABLE}=notebooks/cassettes/NN_name.yaml, or open "
                               "the notebook in JupyterLab (which tells the kernel its file name).")
    path = Path(path).resolve()
    if _ACTIVE.get("mode") == mode and _ACTIVE.get("path") == path:
        return path
    deactivate()
    context = _cassette_context(path, mode)
    cassette = context.__enter__()
    _ACTIVE.update(mode=mode, path=path, context=context, cassette=cassette)
    if mode == "replay":
        _export_credentials(replay_credentials(path))
    return path


def deactivate() -> None:
    """Stop using the active cassette; a recording is written now (scrubbed)."""
    if not _ACTIVE:
        return
    context = _ACTIVE["context"]
    _ACTIVE.clear()
    context.__exit__(None, None, None)


atexit.register(deactivate)


def activate_from_environment(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Activate the cassette CONOHA_LEARN_MODE and CONOHA_LEARN_CASSETTE ask for, if any."""
    mode = (environ.get(MODE_VARIABLE) or "").strip().lower()
    if mode not in ("replay", "record"):
        return None
    return activate(mode, selected_cassette(environ))


def ensure_active(mode: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """For ``cl.connect(mode=...)`` and ``%openstack``: the cassette this mode needs, active."""
    if mode not in ("replay", "record"):
        return None
    current = active()
    if current and current[0] == mode:
        return current[1]
    return activate(mode, selected_cassette(environ))


# --- what a replay must send --------------------------------------------------------------------

def _first_token_request(path: Path, version: str | None) -> tuple[str, dict, dict]:
    """(uri, request body, response body) of the first password token request of ``version``
    ("3", "2.0" or None for any) in the cassette."""
    data = YamlJsonSerializer.deserialize(Path(path).read_text(encoding="utf-8"))
    for item in data.get("interactions") or []:
        request = item["request"]
        uri = request["uri"].rstrip("/")
        found = "3" if uri.endswith("/auth/tokens") else "2.0" if uri.endswith("/tokens") else None
        sent = _parse_json(request.get("body")) or {}
        if request["method"] == "POST" and found and version in (None, found) \
                and "password" in json.dumps(sent):
            return request["uri"], sent, _parse_json(item["response"]["body"].get("string")) or {}
    which = f"Keystone v{version} " if version else ""
    raise ConfigError(f"The cassette {_shown(path)} holds no {which}password token request, so it "
                      "does not say which credentials to replay.",
                      hint=f"re-record it with `{record_command(path)}`.")


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


def _export_credentials(creds: Mapping[str, str]) -> None:
    """Make OS_* describe the replayed cloud (others removed: they would point elsewhere)."""
    for name in [n for n in os.environ if n.startswith("OS_")]:
        del os.environ[name]
    os.environ.update(creds)


# --- kernels that record or replay (conoha-learn record, nbval) ---------------------------------

STARTUP_FILE = """\
# Written by conoha-learn: record or replay this kernel's HTTP when CONOHA_LEARN_MODE says so,
# before the notebook's first cell runs (see conoha_learn/cassette.py).
import conoha_learn.cassette as _cassette
_cassette.activate_from_environment()
del _cassette
"""


def kernel_startup_dir(folder: str | os.PathLike) -> Path:
    """An IPYTHONDIR whose start-up file activates the cassette (for kernels we start).

    Activation on ``import conoha_learn`` would miss a notebook that sends its first requests
    with plain ``requests``; a start-up file runs before any cell.
    """
    folder = Path(folder)
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-conoha-learn-cassette.py").write_text(STARTUP_FILE, encoding="utf-8")
    return folder


def kernel_environment(mode: str, cassette: str | os.PathLike, ipython_dir: str | os.PathLike,
                       cloud: Mapping[str, str] | None = None,
                       environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment of a kernel that records or replays ``cassette``.

    ``cloud``: OS_* variables to use instead of the inherited ones (None: keep them, for live).
    """
    env = dict(environ)
    if cloud is not None or mode == "replay":  # replay takes its credentials from the cassette
        env = {k: v for k, v in env.items() if not k.startswith("OS_")}
        env.update(cloud or {})
    env.update({MODE_VARIABLE: mode, CASSETTE_VARIABLE: str(Path(cassette).resolve()),
                "IPYTHONDIR": str(Path(ipython_dir).resolve())})
    env.pop(SESSION_VARIABLE, None)
    return env


def nbval_environment(notebook: str | os.PathLike, ipython_dir: str | os.PathLike) -> dict[str, str]:
    """Variables for a kernel that nbval starts for ``notebook``: replay its cassette."""
    return {MODE_VARIABLE: "replay", CASSETTE_VARIABLE: str(cassette_for(notebook).resolve()),
            "IPYTHONDIR": str(kernel_startup_dir(ipython_dir).resolve())}


@contextlib.contextmanager
def replaying_for_nbval(item: Any) -> Iterator[None]:
    """Wrap nbval's test set-up so that each notebook's kernel starts replaying its cassette.

    For a conftest.py next to the notebooks::

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_setup(item):
            with replaying_for_nbval(item):
                yield

    nbval starts one kernel per notebook during the set-up of its first cell, and the kernel
    inherits this process's environment; it is put back right after, so other tests never
    see replay mode.
    """
    path = Path(str(getattr(item, "path", "")))
    if path.suffix != ".ipynb":
        yield
        return
    cache = getattr(item.config, "cache", None)
    folder = cache.mkdir("conoha-learn-ipython") if cache is not None else _temporary_folder()
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("OS_")]:
        del os.environ[name]  # replay takes its credentials from the cassette
    os.environ.update(nbval_environment(path, folder))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _temporary_folder() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="conoha-learn-ipython-"))


def _execute(notebook: Any, path: Path, env: dict[str, str], timeout: int) -> Any:
    """Run every cell of ``notebook`` (an nbformat node) in a new kernel, in the notebook's folder."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=timeout, record_timing=False,
                            kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    return client.execute(env=env)


# A seeded simulator's clock starts at 2026-01-01 while clients compare expiry with the real
# clock; a long lifetime keeps its tokens valid for them (expiry is rewritten in the cassette anyway).
RECORDING_TOKEN_LIFETIME = 20 * 365 * 86400


def record_notebook(notebook: str | os.PathLike, *, live: bool = False, seed: int = 1,
                    delay: float = 3.0, timeout: int = 600) -> tuple[Path, int]:
    """Record ``notebook``'s cassette, then run it again from the cassette and save its outputs.

    Recording runs against a fresh simulator (``seed``, ``delay``) or, with ``live``, against the
    cloud the OS_* variables or clouds.yaml describe. Returns (cassette path, exchanges recorded).
    The old cassette is replaced only when the whole notebook ran without an error.
    """
    import tempfile

    import nbformat

    from .sim import Simulator

    path = Path(notebook)
    final = cassette_for(path)
    recording = final.with_name(final.stem + ".recording.yaml")
    original = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="conoha-learn-kernel-") as ipython_dir:
        kernel_startup_dir(ipython_dir)
        copy = nbformat.from_dict(original)
        # Written when this cell runs, not when the kernel exits: an exit may not run atexit.
        copy.cells.append(nbformat.v4.new_code_cell("import conoha_learn.cassette as c; c.deactivate()"))
        sim = None if live else Simulator(seed=seed, delay=delay,
                                          token_lifetime=RECORDING_TOKEN_LIFETIME).start()
        try:
            env = kernel_environment("record", recording, ipython_dir,
                                     cloud=None if sim is None else sim.credentials())
            _execute(copy, path, env, timeout)
        except BaseException:
            recording.unlink(missing_ok=True)
            raise
        finally:
            if sim is not None:
                sim.stop()
        if not recording.exists():  # no HTTP at all: an empty cassette still replays
            recording.write_text(HEADER_COMMENT + "version: 1\ninteractions: []\n", encoding="utf-8")
        os.replace(recording, final)
        replayed = _execute(nbformat.from_dict(original), path,
                            kernel_environment("replay", final, ipython_dir), timeout)
    nbformat.write(replayed, path)
    count = len(YamlJsonSerializer.deserialize(final.read_text(encoding="utf-8"))["interactions"])
    return final, count
