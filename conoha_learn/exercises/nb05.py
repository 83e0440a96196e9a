"""Exercises of notebook 05 (Nova: a server's life): the two-step create by hand, a boot volume's
shape and an action's body."""

from __future__ import annotations

from typing import Any

from ..compute import boot_volume_for
from ..http import Exchange
from ..i18n import N_, _
from . import exercise
from .answers import Unjudgeable, normalise, require_connection
from .evidence import exchange_of, path_of


@exercise("05.boot-volume",
          N_("A server on the 512 MB plan (g2l-t-c1m512) needs a boot volume first. Which size "
             "(GB) and volume type? Answer (size, volume_type)."),
          N_("ConoHa VPS Ver.3.0 has two boot volume types; the 512 MB plan has its own, and a "
             "smaller size. conn.block_storage.volume_types() lists them."))
def boot_volume(answer: Any, conn: Any) -> str | None:
    if isinstance(answer, dict):
        answer = (answer.get("size"), answer.get("volume_type"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Unjudgeable(_('answer with two values, e.g. (100, "c3j1-ds02-boot").'))
    size, volume_type = answer
    want_size, want_type = boot_volume_for({"ram": 512})
    problems = []
    if size != want_size:
        problems.append(_("100 GB is the boot volume of the other plans; this one's is smaller")
                        if size == 100 else
                        _("ConoHa has no {size!r} GB boot volume for this plan").format(size=size))
    if not isinstance(volume_type, str) or normalise(volume_type) != want_type:
        problems.append(_("the volume type {type!r} is not the 512 MB plan's").format(
            type=volume_type))
    return _("; ").join(problems) + _(".") if problems else None


@exercise("05.hard-reboot",
          N_("Write the JSON body (as a Python dict) that asks Nova for a HARD reboot through "
             "POST /servers/{id}/action."),
          N_('A soft reboot is {"reboot": {"type": "SOFT"}}. print(conn.last_exchange) after '
             "conn.compute.reboot(server, hard=True) shows the other one."))
def hard_reboot(answer: Any, conn: Any) -> str | None:
    if not isinstance(answer, dict):
        raise Unjudgeable(_('answer with a dict such as {"os-stop": None}.'))
    if list(answer) != ["reboot"]:
        return _('an action body has exactly one key, here "reboot"; yours has {keys}.').format(
            keys=list(answer))
    argument = answer["reboot"]
    if not isinstance(argument, dict) or set(argument) != {"type"}:
        return _('the value of "reboot" is a dict with one key, "type".')
    kind = normalise(argument["type"]) if isinstance(argument["type"], str) else argument["type"]
    if kind == "SOFT":
        return _("that is the soft reboot (the OS restarts itself); a hard one is a power cycle.")
    if kind != "HARD":
        return _('"type" is "SOFT" or "HARD" (upper case), not {type!r}.').format(
            type=argument["type"])
    return None


# --- 05.create-by-hand: ConoHa's two-step create, sent with plain requests -----------------------

GIVE_THE_PAIR = N_("pass the two responses as a pair: (volume_response, server_response), what "
                   "requests.post returned for POST /volumes and for POST /servers.")


def _pair(answer: Any) -> tuple[Exchange, Exchange]:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Unjudgeable(_(GIVE_THE_PAIR))
    return exchange_of(answer[0], GIVE_THE_PAIR), exchange_of(answer[1], GIVE_THE_PAIR)


def _wrapped(exchange: Exchange, key: str) -> dict | None:
    """The object inside the request body's one wrapper key ({"volume": {...}}), if it is there."""
    body = exchange.request_body
    inner = body.get(key) if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else None


def _error_text(exchange: Exchange) -> str:
    """The message of an OpenStack error body ({"badRequest": {"message": ...}}), else the reason."""
    body = exchange.response_body
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
    return exchange.reason


def _is_post_to(exchange: Exchange, collection: str) -> bool:
    return exchange.method == "POST" and path_of(exchange).endswith("/" + collection)


def _request_problem(exchange: Exchange, collection: str, which: str) -> str | None:
    """Wrong method or path; a GET of one volume (a poll) gets its own sentence."""
    if _is_post_to(exchange, collection):
        return None
    if exchange.method == "GET" and "/volumes/" in path_of(exchange) + "/":
        return _("the {which} response is one of your GET /volumes/{{id}} polls; pass what the "
                 "POST /{collection} returned.").format(which=_(which), collection=collection)
    return _("the {which} request should be POST .../{collection}; yours was {method} "
             "{path}.").format(which=_(which), collection=collection, method=exchange.method,
                               path=path_of(exchange))


def _plan(conn: Any, server: dict) -> dict | None:
    """The plan the server request names (by id, or by name as Nova also accepts)."""
    ref = server.get("flavorRef")
    if not isinstance(ref, str) or not ref:
        return None
    plans = require_connection(conn).compute.flavor_list()
    ref = ref.rstrip("/").rsplit("/", 1)[-1]
    return next((p for p in plans if ref in (p["id"], p["name"])), None)


def _volume_problem(volume: dict | None, plan: dict | None) -> str | None:
    if volume is None:
        return _('Cinder\'s body has one key, "volume", with the fields inside: '
                 '{"volume": {"size": ..., "volume_type": ..., "imageRef": ...}}.')
    if not volume.get("imageRef"):
        return _("your volume has no imageRef, so it is an empty (additional) volume that cannot "
                 "boot: a boot volume is made from the OS image, by its id in imageRef.")
    if plan is not None:
        size, volume_type = boot_volume_for(plan)
        if volume.get("size") != size:
            return _("plan {plan} takes a {size} GB boot volume on ConoHa, not "
                     "{given!r}.").format(plan=plan["name"], size=size, given=volume.get("size"))
        if volume.get("volume_type") != volume_type:
            return _("the volume type should be {type} (the boot type for plan {plan}), not "
                     "{given!r}.").format(type=volume_type, plan=plan["name"],
                                           given=volume.get("volume_type"))
    return None


def _boot_mapping(server: dict) -> dict | str:
    """The block_device_mapping_v2 entry that boots the server, or what is wrong with the list."""
    mappings = server.get("block_device_mapping_v2")
    if mappings is None:
        if "block_device_mapping" in server:
            return _("block_device_mapping is the old v1 form (volume_id, device_name); ConoHa "
                     "documents block_device_mapping_v2, a list of {\"uuid\": \"<volume id>\"}.")
        if server.get("imageRef"):
            return _("you sent imageRef to Nova: ConoHa does not boot a server from an image, "
                     "it boots from the volume you made. Name that volume in "
                     "block_device_mapping_v2 instead.")
        return _("the server request has no block_device_mapping_v2: that is where Nova learns "
                 "which volume to boot from.")
    if not isinstance(mappings, list) or not mappings or not all(isinstance(m, dict)
                                                                 for m in mappings):
        return _('block_device_mapping_v2 is a list of objects: [{"uuid": "<volume id>", '
                 '"boot_index": 0, ...}].')
    # The entry with boot_index 0 boots the server; without boot indexes, the first one does.
    return next((m for m in mappings if m.get("boot_index") == 0), mappings[0])


def _mapping_problem(mapping: dict, volume_id: str | None) -> str | None:
    if mapping.get("uuid") is None:
        return _('the boot volume is named by "uuid" in block_device_mapping_v2 (not "id" or '
                 '"volume_id").')
    if mapping.get("uuid") != volume_id:
        return _("block_device_mapping_v2 names volume {given}, not the one your POST /volumes "
                 "made ({id}).").format(given=mapping.get("uuid"), id=volume_id)
    if mapping.get("boot_index", 0) != 0:
        return _("boot_index 0 marks the volume the server boots from; yours is "
                 "{index!r}.").format(index=mapping.get("boot_index"))
    for key in ("source_type", "destination_type"):
        if mapping.get(key, "volume") != "volume":
            return _('{key} is "volume" on ConoHa: the server boots from the volume you made, '
                     'not {given!r}.').format(key=key, given=mapping.get(key))
    return None


def _server_problem(server: dict | None, volume_id: str | None) -> str | None:
    if server is None:
        return _('Nova\'s body has one key, "server", with the fields inside: '
                 '{"server": {"flavorRef": ..., "block_device_mapping_v2": [...], ...}}.')
    mapping = _boot_mapping(server)
    if isinstance(mapping, str):
        return mapping
    problem = _mapping_problem(mapping, volume_id)
    if problem:
        return problem
    if not server.get("flavorRef"):
        return _("flavorRef is missing: it names the plan, by its id from GET /flavors.")
    tag = (server.get("metadata") or {}).get("instance_name_tag")
    if not isinstance(tag, str) or not tag:
        return _("the name tag is missing: put the server's name in "
                 "metadata.instance_name_tag, the name ConoHa's control panel shows.")
    return None


@exercise("05.create-by-hand",
          N_("With plain requests, create a server the ConoHa way: POST a boot volume to Cinder, "
             "wait until it is available, then POST /servers booting from it. Pass "
             "(volume_response, server_response)."),
          N_("Volume: {\"volume\": {\"size\", \"volume_type\", \"imageRef\"}}. Poll GET "
             "/volumes/{id} until \"available\". Server: flavorRef, block_device_mapping_v2 "
             "with that volume's id as uuid and boot_index 0, metadata.instance_name_tag."),
          builds=True)
def create_by_hand(answer: Any, conn: Any) -> str | None:
    volume_exchange, server_exchange = _pair(answer)
    if _is_post_to(volume_exchange, "servers") and _is_post_to(server_exchange, "volumes"):
        return _("the pair is the wrong way round: the volume's response first, then the "
                 "server's.")
    problem = (_request_problem(volume_exchange, "volumes", N_("first (volume)"))
               or _request_problem(server_exchange, "servers", N_("second (server)")))
    if problem:
        return problem
    server = _wrapped(server_exchange, "server")
    problem = _volume_problem(_wrapped(volume_exchange, "volume"), _plan(conn, server or {}))
    if problem:
        return problem
    if volume_exchange.status != 202:
        return _("Cinder answered {status} to your volume: {message}").format(
            status=volume_exchange.status, message=_error_text(volume_exchange))
    made = (volume_exchange.response_body or {}).get("volume") or {}
    problem = _server_problem(server, made.get("id"))
    if problem:
        return problem
    if server_exchange.status == 400 and "available" in _error_text(server_exchange):
        return _("you sent the server before the volume was ready: Nova answered 400 ({message}). "
                 "Poll GET /volumes/{{id}} until its status is \"available\" first.").format(
                     message=_error_text(server_exchange))
    if server_exchange.status != 202:
        return _("Nova answered {status} to your server: {message}").format(
            status=server_exchange.status, message=_error_text(server_exchange))
    return None
