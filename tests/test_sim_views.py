"""Kept listings (sim/views.py): asked again, the same bytes; after any change, or once a queued
status change falls due, the new state, never a stale one."""

from __future__ import annotations

import requests

from conoha_learn.sim import Simulator
from sim_session import login

PLAN = "g2l-t-c2m1"


def _create(api: requests.Session, sim: Simulator, name: str) -> str:
    volumes = f"{sim.url}/block-storage/v3/{api.token_body['project']['id']}/volumes"
    volume = api.post(volumes, json={"volume": {"size": 100, "imageRef": _image(api, sim)}}, timeout=10)
    assert volume.status_code == 202, volume.text
    api.get(f"{volumes}/detail", timeout=10)
    server = api.post(f"{sim.url}/compute/v2.1/servers", timeout=10, json={"server": {
        "name": name, "flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume.json()["volume"]["id"]}]}})
    assert server.status_code == 202, server.text
    return server.json()["server"]["id"]


def _image(api: requests.Session, sim: Simulator) -> str:
    return api.get(f"{sim.url}/image-service/v2/images", timeout=10).json()["images"][0]["id"]


def _detail(api: requests.Session, sim: Simulator, **params) -> requests.Response:
    r = api.get(f"{sim.url}/compute/v2.1/servers/detail", params=params, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json", r.text
    return r


def test_a_listing_asked_again_is_the_same_and_follows_every_change():
    with Simulator(delay=0, seed=42) as sim, login(sim) as api:
        first = _create(api, sim, "one")
        again = [_detail(api, sim).content for _ in range(3)]
        assert again[0] == again[1] == again[2] and b'"ACTIVE"' in again[0]
        meta = api.post(f"{sim.url}/compute/v2.1/servers/{first}/metadata",
                        json={"metadata": {"role": "web"}}, timeout=10)
        assert meta.status_code == 200
        assert _detail(api, sim).json()["servers"][0]["metadata"]["role"] == "web"
        second = _create(api, sim, "two")
        assert [s["id"] for s in _detail(api, sim).json()["servers"]] == [first, second]
        assert [s["id"] for s in _detail(api, sim, name="two").json()["servers"]] == [second]
        microversion = {"OpenStack-API-Version": "compute 2.3"}
        later = api.get(f"{sim.url}/compute/v2.1/servers/detail", headers=microversion, timeout=10)
        assert "delete_on_termination" in later.json()["servers"][0]["os-extended-volumes:volumes_attached"][0]
        assert api.delete(f"{sim.url}/compute/v2.1/servers/{first}", timeout=10).status_code == 204
        assert [s["id"] for s in _detail(api, sim).json()["servers"]] == [second]


def test_a_status_change_falling_due_shows_without_any_write_in_between():
    with Simulator(delay=30, seed=42) as sim, login(sim) as api:
        volumes = f"{sim.url}/block-storage/v3/{api.token_body['project']['id']}/volumes"
        volume = api.post(volumes, json={"volume": {"size": 100, "imageRef": _image(api, sim)}}, timeout=10)
        requests.post(f"{sim.url}/_sim/clock", json={"advance": 60}, timeout=10)
        api.get(f"{volumes}/detail", timeout=10)
        server = api.post(f"{sim.url}/compute/v2.1/servers", timeout=10, json={"server": {
            "name": "slow", "flavorRef": PLAN,
            "block_device_mapping_v2": [{"uuid": volume.json()["volume"]["id"]}]}}).json()["server"]["id"]
        assert _detail(api, sim).json()["servers"][0]["status"] == "BUILD"
        assert _detail(api, sim).json()["servers"][0]["status"] == "BUILD"
        requests.post(f"{sim.url}/_sim/clock", json={"advance": 60}, timeout=10)  # writes nothing
        assert [(s["id"], s["status"]) for s in _detail(api, sim).json()["servers"]] == [(server, "ACTIVE")]


def test_kept_answers_stay_within_their_count_and_bytes():
    from conoha_learn.sim.call import Reply
    from conoha_learn.sim.views import Views
    views = Views(size=3, max_bytes=100)
    body = {"pad": "x" * 30}  # about 40 bytes encoded
    for key in range(10):
        views.answer(key, 0, lambda: (Reply(body), True))
    assert list(views._entries) == [8, 9] and views._bytes == sum(len(d) for _, d in views._entries.values())
    built = []
    assert views.answer(9, 0, lambda: built.append(1) or (Reply(body), True)).body == views._entries[9][1]
    assert not built  # kept: not built again
    views.answer(9, 1, lambda: built.append(1) or (Reply(body), True))  # the store moved on
    assert built == [1]


def _at_once(views, n: int, build) -> list:
    """``n`` threads ask ``views`` for the same answer at the same moment; their replies or errors."""
    import threading

    start, out = threading.Barrier(n), [None] * n

    def ask(i: int) -> None:
        start.wait()
        try:
            out[i] = views.answer("detail", 7, build)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each thread got
            out[i] = exc

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return out


def test_a_listing_asked_by_many_at_once_is_built_once():
    import time

    from conoha_learn.sim.call import Reply
    from conoha_learn.sim.views import Views

    built = []

    def build():
        built.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive while it builds
        return Reply({"servers": [{"id": "a"}]}), True

    replies = _at_once(Views(), 20, build)
    assert built == [1]
    assert {r.body for r in replies} == {b'{"servers": [{"id": "a"}]}'}


def test_an_answer_that_cannot_be_kept_is_built_by_each_and_a_failed_build_frees_the_waiters():
    import time

    from conoha_learn.sim.call import Reply
    from conoha_learn.sim.errors import ApiError
    from conoha_learn.sim.views import WAIT_SECONDS, Views

    built = []

    def busy():  # a server still building: its listing changes without a write, never kept
        built.append(1)
        time.sleep(0.1)
        return Reply({"servers": [{"status": "BUILD"}]}), False

    assert len(_at_once(Views(), 5, busy)) == 5 and len(built) == 5

    def failing():
        time.sleep(0.1)
        raise ApiError(404, "gone")

    started = time.monotonic()
    errors = _at_once(Views(), 5, failing)
    assert all(isinstance(e, ApiError) and e.status == 404 for e in errors)
    assert time.monotonic() - started < WAIT_SECONDS  # nobody waited out the timeout


def test_the_answers_used_most_recently_are_kept_longest():
    from conoha_learn.sim.call import Reply
    from conoha_learn.sim.views import Views

    views = Views(size=3)
    for key in ("a", "b", "c"):
        views.answer(key, 0, lambda: (Reply({"k": 1}), True))
    views.answer("a", 0, lambda: (Reply({"k": 2}), True))  # kept: read, so now the newest
    views.answer("d", 0, lambda: (Reply({"k": 1}), True))
    assert list(views._entries) == ["c", "a", "d"]
