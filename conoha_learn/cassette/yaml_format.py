"""The cassette file: readable YAML with JSON bodies pretty-printed, written as UTF-8, atomically."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Mapping

from .bodies import parse_json

HEADER_COMMENT = """\
# HTTP exchanges recorded by conoha-learn, scrubbed: tokens, passwords, ids and names of the
# account are placeholders (TOKEN_1, TENANT_ID_1...). Replayed by CONOHA_LEARN_MODE=replay.
# Do not edit by hand; re-record with: conoha-learn record NOTEBOOK.ipynb
"""


def _pretty(body: Any) -> Any:
    parsed = parse_json(body)
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
        # A replaying kernel reads its cassette twice: vcrpy for the answers, credentials.py for
        # the login to send. The YAML is parsed once; each reader gets its own copy from JSON,
        # which Python parses about twenty times faster (vcrpy changes what it is given).
        as_json = _loaded_as_json(text)
        return _loaded(text) if as_json is None else json.loads(as_json)


@functools.lru_cache(maxsize=2)
def _loaded_as_json(text: str) -> str | None:
    """`_loaded`'s result as JSON text, or None when a body is binary (JSON has no bytes)."""
    try:
        return json.dumps(_loaded(text), ensure_ascii=False)
    except TypeError:
        return None


def _loaded(text: str) -> dict:
    """The cassette's data, its JSON bodies compact as recorded, with matching Content-Length."""
    import yaml

    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    for item in data.get("interactions") or []:
        response = item["response"]
        body = response["body"].get("string")
        parsed = parse_json(body)
        if parsed is not None:
            body = response["body"]["string"] = json.dumps(parsed, ensure_ascii=False)
        if item["request"]["method"] == "HEAD" and "Content-Length" in response["headers"]:
            continue  # recorded as it was: the size a GET would send (scrub.py)
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

