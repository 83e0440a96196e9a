"""Replay finds a request's recorded answers by key (vcr_glue.match_key): the same ones vcrpy's
own matchers find by comparing the request with every recorded one."""

from __future__ import annotations

from pathlib import Path

import pytest
from vcr import matchers

from conoha_learn.cassette.vcr_glue import match_key, use_cassette, vcr_matchers

CASSETTES = sorted((Path(__file__).resolve().parent.parent / "notebooks" / "cassettes").glob("*.yaml"))


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: p.stem)
def test_the_key_finds_exactly_what_vcrpys_matchers_find(path):
    rules = list(vcr_matchers())
    with use_cassette(path) as cassette:
        recorded = [request for request, _ in cassette.data]
        for request in recorded:
            by_matchers = [i for i, other in enumerate(recorded) if matchers.requests_match(request, other, rules)]
            assert cassette._recorded()[match_key(request)] == by_matchers

