"""One guard for every JSON request body: nesting deeper than any route needs is a 400 before a view parses it.

Python's json module recurses once per level, so a body of 100,000 nested brackets raised RecursionError (a 500)
on every JSON route. The check runs in C-speed passes over the raw bytes, one pass per level, at most
MAX_DEPTH + 1 passes; bodies with few brackets skip it.
"""

from __future__ import annotations

import re

from flask import Flask, request

from server.errors import ApiError

MAX_DEPTH = 32  # the deepest real body (camera batch: {events: [{...}]}) nests 3 levels
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def nesting_depth_exceeds(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than `limit` (or do not pair up)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    rest = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    for _ in range(limit):
        if not rest:
            return False
        shorter = _INNERMOST.sub(b"", rest)  # one level per pass
        if shorter == rest:  # nothing pairs up: unbalanced, not valid JSON either
            return True
        rest = shorter
    return bool(rest)


def check_depth(data: bytes) -> None:
    """A 400 naming the body when it nests too deeply; every JSON body passes here once, before it is parsed."""
    if nesting_depth_exceeds(data):
        raise ApiError(400, "too_deep", f"the JSON body nests deeper than {MAX_DEPTH} levels (or its brackets do not pair up)",
                       "body")


def register(app: Flask) -> None:
    @app.before_request
    def _json_depth() -> None:
        if request.is_json and request.content_length != 0:
            check_depth(request.get_data(cache=True))
