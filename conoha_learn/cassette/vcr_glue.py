"""The vcrpy glue: `use_cassette`, the replay rules (in order, GETs may repeat), scrubbing on save."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Iterator

from ..errors import ConfigError, ConohaLearnError
from ..i18n import _
from .paths import _shown, record_command
from .scrub import Scrubber, learn_interactions, scrub_interaction
from .yaml_format import Utf8Persister, YamlJsonSerializer


class NotInCassette(ConohaLearnError):
    """Replay was asked for a request the cassette does not hold."""

    def __init__(self, request: Any, cassette_path: str | os.PathLike, *, recorded: int, played: int):
        self.method, self.url = request.method, request.uri
        super().__init__(
            _("Replay: this request is not in the cassette:\n    {method} {url}\n"
              "Cassette: {cassette} ({recorded} exchanges, {played} replayed so far). The notebook "
              "now sends something it did not send when the cassette was recorded (an edited "
              "cell, or cells run in another order?).").format(
                method=request.method, url=request.uri, cassette=_shown(Path(cassette_path)),
                recorded=recorded, played=played),
            hint=_("re-record it with `{command}`, run the cells from the top (Kernel > Restart "
                   "and Run All), or use the simulator: CONOHA_LEARN_MODE=sim.").format(
                command=record_command(cassette_path)))


# Methods that read without changing anything: asked again, they may get the last answer again.
REPEATABLE = {"GET", "HEAD"}
# What makes a request the same as a recorded one: vcrpy's matchers of these names, which compare
# the request attributes of the same names, and the query (sorted (name, value) pairs) less the
# values of VOLATILE_QUERY (_comparable_query).
MATCHED_ON = ("method", "scheme", "host", "port", "path")

# Query parameters whose value the recording cannot reproduce: a temporary URL's signature is an
# HMAC over the object's path, and the path's tenant id is a placeholder in the cassette, so a
# replay signs another path. Only the parameter's presence is compared (notebook 09).
VOLATILE_QUERY = frozenset({"temp_url_sig"})


def _comparable_query(request: Any) -> tuple[tuple[str, str], ...]:
    return tuple((key, "" if key in VOLATILE_QUERY else value) for key, value in request.query)


def _query_matcher(r1: Any, r2: Any) -> None:
    assert _comparable_query(r1) == _comparable_query(r2), f"{r1.query} != {r2.query}"


def vcr_matchers() -> tuple:
    """vcrpy's form of the same rule: a request matches a recorded one when all of these pass."""
    from vcr import matchers  # vcrpy loads only when a cassette is used

    return tuple(getattr(matchers, name) for name in MATCHED_ON) + (_query_matcher,)


def match_key(request: Any) -> tuple:
    """The request's values of MATCHED_ON and its comparable query: equal keys are exactly what
    vcr_matchers() match."""
    return tuple(getattr(request, name) for name in MATCHED_ON) + (_comparable_query(request),)

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

        def _recorded(self) -> dict[tuple, list[int]]:
            """Recorded exchanges by match key, made once per cassette (and again after a
            recording adds one). vcrpy compares a request with every recorded one, running every
            matcher and writing out why each failed: 35 ms per request for a 100-exchange cassette,
            asked three times per request, seconds per notebook."""
            if getattr(self, "_by_key_of", None) != len(self.data):
                by_key: dict[tuple, list[int]] = {}
                for index, (recorded, _) in enumerate(self.data):
                    by_key.setdefault(match_key(recorded), []).append(index)
                self._by_key, self._by_key_of = by_key, len(self.data)
            return self._by_key

        def _choose(self, request: Any) -> int | None:
            matches = self._recorded().get(match_key(request), [])
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


# HTTP client libraries that vcrpy imports and patches when they are installed (JupyterHub and
# JupyterLab bring them), and the course never sends with: its code, openstacksdk and the CLI all
# send with requests. Importing these two costs a kernel about 0.2 s of its start, and nbval
# starts twenty replaying kernels (issue 20).
UNUSED_CLIENTS = ("aiohttp", "httpx")


@contextlib.contextmanager
def _unused_clients_hidden() -> Iterator[None]:
    """While a cassette is in use, ``import aiohttp`` (and httpx) fails, so vcrpy skips them: it
    tries them when it loads and again on every new connection. Afterwards they import as usual.
    A process that has imported one already keeps it, patched."""
    hidden = [name for name in UNUSED_CLIENTS if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # a None entry makes the import raise ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


@contextlib.contextmanager
def use_cassette(path: str | os.PathLike, mode: str = "replay") -> Iterator[Any]:
    """Record into, or replay from, the cassette at ``path`` while the block runs.

    Yields vcrpy's Cassette (``.play_count``, ``len()``). Create clients and sessions *inside*
    the block: a connection opened before it keeps its real socket.
    """
    path = Path(path)
    if mode not in ("record", "replay"):
        raise ConfigError(_("A cassette is recorded or replayed, not {mode!r}.").format(mode=mode))
    if mode == "replay" and not path.is_file():
        raise ConfigError(_("No cassette at {path}, so there is nothing to replay.").format(
                              path=_shown(path)),
                          hint=_("record it with `{command}`, or use the simulator: "
                                 "CONOHA_LEARN_MODE=sim.").format(command=record_command(path)))
    with _unused_clients_hidden():
        from vcr.filters import decode_response  # vcrpy loads only when a cassette is used

        with _cassette_class().use(
                path=str(path),
                record_mode="all" if mode == "record" else "none",
                match_on=vcr_matchers(),
                serializer=YamlJsonSerializer,
                persister=Utf8Persister,
                before_record_response=decode_response,  # gzip from a live cloud: readable text
                before_save_interaction=_scrub_before_save) as cassette:
            yield cassette


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
