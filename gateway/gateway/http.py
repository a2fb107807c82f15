"""HTTP conventions shared by the resources: versions as ETags, If-Match, list arguments."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify, request
from marshmallow import EXCLUDE, Schema, fields, validate

from gateway.errors import Problem

_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version() -> int | None:
    """The version the caller last read, from If-Match; None when absent or `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _ETAG.match(header)
    if not match:
        raise Problem(400, "Bad request", 'If-Match must be an ETag such as "3"',
                      errors={"If-Match": ["not an ETag"]})
    return int(match.group(1))


def as_is(body: Any) -> Response:
    """A service's answer sent as it came. The service dumped it through its own output
    schema, and the route's declared schema documents it; dumping a big page (a board, a
    queue) a second time here cost a quarter of the gateway's time. The end-to-end tests
    check that the two agree."""
    return jsonify(body)


def with_etag(body: dict[str, Any], status: int = 200, location: str | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    if "version" in body:
        response.headers["ETag"] = etag(body["version"])
        if status == 200 and request.if_none_match.contains(str(body["version"])):
            return Response(status=304, headers={"ETag": etag(body["version"])})
    if location:
        response.headers["Location"] = location
    return response


class ListArgs(Schema):
    """?limit=&cursor=&sort=&q= plus filters, which the resource's schema adds."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String()
    sort = fields.String()
    q = fields.String(validate=validate.Length(max=200))


def list_query(args: dict[str, Any], filter_names: tuple[str, ...]) -> dict[str, Any]:
    query = {name: args[name] for name in ("limit", "cursor", "sort", "q") if name in args}
    query["filters"] = {name: args[name] for name in filter_names if name in args}
    return query


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "next_cursor": fields.String(allow_none=True, required=True),
    })
