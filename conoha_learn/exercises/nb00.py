"""Exercises of notebook 00 (start here): two questions, and a first call of the learner's own."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from . import exercise, register
from .calls import judge_get
from .choice import Choice, contains

register("00.mode", N_("Which mode talks to the local simulator, with no account?"),
         N_("There are four: sim, replay, live, record. Which one needs no cloud and no recording?"),
         Choice(expects=N_('answer with the mode\'s name as a string, e.g. "live".'),
                right=("sim",),
                near_misses=(
                    ("replay", N_("{name!r} plays back recorded answers, so nothing you create is "
                                  "really there.")),
                    ("live", N_("{name!r} needs a real ConoHa account (and costs money).")),
                    ("record", N_("{name!r} writes cassettes while talking to a simulator or a real "
                                  "account."))),
                otherwise=N_("{answer!r} is not a mode: the four are sim, replay, live and record.")))

# Why each of the other answers is safe to commit (matched anywhere in the answer).
register("00.secret-file",
         N_("Which file holds your ConoHa API password and must never be committed: clouds.yaml, "
            "secure.yaml, a cassette or a notebook?"),
         N_("openstacksdk reads two files: one you may share, and one only for secrets."),
         Choice(expects=N_('answer with a file name as a string, e.g. "clouds.yaml".'),
                right=("secure.yaml", "secure.yml", "secure"),
                clean=lambda path: path.rsplit("/", 1)[-1],
                matches=contains,
                near_misses=(
                    ("clouds", N_("clouds.yaml names your clouds (auth URL, API user, tenant, "
                                  "region) and can be shared; the password goes in a second file "
                                  "next to it.")),
                    ("cassette", N_("cassettes are scrubbed as they are recorded (tokens and "
                                    "passwords become placeholders such as TOKEN_1), and "
                                    "`conoha-learn audit` checks them.")),
                    *((word, N_("a notebook is fine to commit when no cell holds a password and no "
                                "output shows a token (`conoha-learn audit` checks both)."))
                      for word in ("notebook", ".ipynb"))),
                otherwise=N_("{answer!r} is not one of the four: clouds.yaml, secure.yaml, a "
                             "cassette, a notebook.")))


# Near misses of Glance's image list, as the image service's endpoint sees the path.
IMAGE_PATHS = {
    "/images": N_("{path} answered {status}: the image service's endpoint has no version in it, "
                  "so the path starts with the API version, /v2."),
    "/v2/image": N_("{path} answered {status}: a collection's name is plural, /v2/images."),
    "/v2": N_("{path} is the API version's own document; the images are one level down."),
}


@exercise("00.first-call",
          N_("Send your first request yourself: list the OS images with conn.get (service type "
             "image, path /v2/images) and pass what it returned."),
          N_('Section 4 listed plans with conn.get("compute", "/flavors"). Images are another '
             "service: its type is image, and its path starts with the API version."),
          builds=True)
def first_call(answer: Any, conn: Any) -> str | None:
    return judge_get(answer, conn, service_type="image", path="/v2/images",
                     other_service=lambda sent_to: _(
                         "that request went to the {type} service; the OS images are kept by the "
                         "image service (Glance).").format(type=sent_to),
                     near_paths=IMAGE_PATHS,
                     other_path=N_("{path} is not the list of images (the answer was {status}); "
                                   "the path is /v2/images."))
