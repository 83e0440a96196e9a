"""conn.object_store: containers and objects through the helper library, and their cleanup."""

from __future__ import annotations

import hashlib

import pytest
import requests

import conoha_learn as cl
from conoha_learn.errors import ApiError


def test_upload_list_download_and_a_public_url(sim, tmp_path):
    conn = cl.connect(sim=sim)
    store = conn.object_store
    store.create_container("site", public=True)
    picture = tmp_path / "cat.jpg"
    picture.write_bytes(b"\xff\xd8meow")
    assert store.upload("site", "img/cat.jpg", picture) == hashlib.md5(b"\xff\xd8meow").hexdigest()
    store.upload("site", "index.html", "<h1>hi</h1>", content_type="text/html")
    assert conn.last_exchange.method == "PUT" and conn.last_exchange.status == 201
    assert list(store.containers()["name"]) == ["site"]
    objects = store.objects("site")
    assert list(objects["name"]) == ["img/cat.jpg", "index.html"]
    assert list(objects["content_type"]) == ["image/jpeg", "text/html"]
    assert store.download("site", "index.html") == b"<h1>hi</h1>"
    # Public: a browser (no token) fetches it by its URL.
    assert requests.get(store.url("site", "img/cat.jpg"), timeout=10).content == b"\xff\xd8meow"
    with pytest.raises(ApiError) as failed:
        store.delete_container("site")
    assert failed.value.status == 409 and "still holds 2 object(s)" in str(failed.value)
    with pytest.raises(ValueError, match="no '/'"):
        store.upload("a/b", "x", b"")


def test_listings_page_past_the_page_size(sim, monkeypatch):
    from conoha_learn import object_store
    monkeypatch.setattr(object_store, "PAGE_SIZE", 2)
    conn = cl.connect(sim=sim)
    conn.object_store.create_container("many")
    for i in range(5):
        conn.object_store.upload("many", f"o{i}", b"x")
    assert [o["name"] for o in conn.object_store.object_list("many")] == [f"o{i}" for i in range(5)]


def test_cleanup_removes_our_containers_with_their_objects_and_nothing_else(sim):
    conn = cl.connect(sim=sim)
    conn.object_store.create_container("ours")
    conn.object_store.upload("ours", "a.txt", b"a")
    conn.object_store.upload("ours", "dir/b.txt", b"b")
    conn.put("object-store", "/theirs")  # made by hand (CLI, control panel): no tag
    conn.object_store.upload("theirs", "keep.txt", b"keep")

    report = conn.cleanup(progress=False)

    assert report.containers == ["ours (2 objects)"] and report.failed == []
    assert "container ours (2 objects)" in str(report)
    assert [c["name"] for c in conn.object_store.container_list()] == ["theirs"]
    assert conn.object_store.download("theirs", "keep.txt") == b"keep"
    assert conn.cleanup(progress=False).containers == []
