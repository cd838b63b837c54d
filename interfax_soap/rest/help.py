"""The REST face's help: the media types it renders and an OpenAPI 3 description of its
routes (generated from the route table, so it cannot drift from what is served)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interfax_soap.engine.mediatypes import media_type_of
from interfax_soap.rest.context import Call
from interfax_soap.rest.router import Route
from interfax_soap.rest.wire import Reply, json_reply

__all__ = ["help_routes", "openapi_document", "OPENAPI_PATH"]

OPENAPI_PATH = "/outbound/help/openapi.json"


def _operation(route: Route) -> dict[str, Any]:
    creates = route.method == "POST" and (
        route.path.endswith(("/faxes", "/batches", "/documents", "/resend"))
        and not route.path.startswith("/inbound")
    )
    responses: dict[str, Any] = {
        "201" if creates else "200": {"description": "success"},
        "default": {
            "description": "error",
            "content": {"text/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    if route.path.startswith("/outbound/documents/{doc}") and route.method == "POST":
        responses["202"] = {"description": "chunk stored, more expected"}
    operation: dict[str, Any] = {"summary": route.summary, "responses": responses}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in ("id", "doc")
        if "{" + name + "}" in route.path
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.anonymous:
        operation["security"] = []
    return operation


def openapi_document(routes: Sequence[Route]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.0.3",
        "info": {"title": "interfax-soap: the InterFAX REST API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "integer"},
                        "message": {"type": "string"},
                        "moreInfo": {"type": "string", "nullable": True},
                    },
                },
            },
        },
        "security": [{"basic": []}],
    }


def help_routes(all_routes: Sequence[Route]) -> tuple[Route, ...]:
    """``GET /outbound/help/mediatype`` and ``GET /outbound/help/openapi.json`` (anonymous).

    Args:
        all_routes: every other route of the REST face, described by the OpenAPI document.
    """

    async def media_types(call: Call) -> Reply:
        supported = call.services.outbound.supported_file_types
        return json_reply(
            [{"MediaType": media_type_of(kind), "FileType": kind.lower()} for kind in supported]
        )

    routes: list[Route] = [
        Route(
            "GET", "/outbound/help/mediatype", media_types, "Supported media types", anonymous=True
        )
    ]

    async def openapi(call: Call) -> Reply:
        return json_reply(openapi_document([*all_routes, *routes]))

    routes.append(Route("GET", OPENAPI_PATH, openapi, "This OpenAPI document", anonymous=True))
    return tuple(routes)
