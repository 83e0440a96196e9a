"""Recording uploads: a body sent as a file or an iterator, and the Content-Length of a HEAD.

``openstack object create`` uploads a file object; vcrpy hands such a body back as a new BytesIO
(or iterator) on each read, which its YAML writer cannot save. And a HEAD's Content-Length is the
object's size, which the empty recorded body cannot give back on replay.
"""

from __future__ import annotations

import io

from vcr.request import Request
from vcr.serialize import deserialize, serialize

from conoha_learn.cassette.scrub import Scrubber, scrub_interaction
from conoha_learn.cassette.yaml_format import YamlJsonSerializer

URL = "http://127.0.0.1:8765/object-storage/v1/AUTH_x/box/hello.txt"


def saved_and_loaded(request: Request, response: dict) -> dict:
    request, response = scrub_interaction(request, response, Scrubber())
    text = serialize({"requests": [request], "responses": [response]}, YamlJsonSerializer)
    requests, responses = deserialize(text, YamlJsonSerializer)
    return {"request": requests[0], "response": responses[0], "text": text}


def response(headers: dict | None = None, body: bytes = b"") -> dict:
    return {"status": {"code": 201, "message": "Created"}, "headers": headers or {},
            "body": {"string": body}}


def test_a_file_body_is_saved_as_its_bytes():
    loaded = saved_and_loaded(Request("PUT", URL, io.BytesIO(b"hello file\n"), {}), response())
    assert "hello file" in loaded["text"]
    assert loaded["request"].body in (b"hello file\n", "hello file\n")


def test_an_iterator_body_is_saved_as_its_bytes():
    loaded = saved_and_loaded(Request("PUT", URL, iter([b"hello ", b"chunks\n"]), {}), response())
    assert "hello chunks" in loaded["text"]


def test_a_head_keeps_its_content_length_and_a_get_gets_its_bodys():
    head = saved_and_loaded(Request("HEAD", URL, None, {}),
                            response({"Content-Length": ["36"], "ETag": ["abc"]}))
    assert head["response"]["headers"]["Content-Length"] == ["36"]
    get = saved_and_loaded(Request("GET", URL, None, {}),
                           response({"Content-Length": ["36"]}, b"hello"))
    assert get["response"]["headers"]["Content-Length"] == ["5"]
