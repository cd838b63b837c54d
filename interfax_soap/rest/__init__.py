"""The InterFAX REST face (``/outbound``, ``/inbound``, ``/accounts``) on the same engine."""

from __future__ import annotations

from twisted.web import resource

from interfax_soap.asmx.resource import ProxyPolicy
from interfax_soap.rest.batches import BATCH_ROUTES
from interfax_soap.rest.context import RestServices
from interfax_soap.rest.documents import DOCUMENT_ROUTES
from interfax_soap.rest.help import OPENAPI_PATH, help_routes
from interfax_soap.rest.inbound import ACCOUNT_ROUTES, INBOUND_ROUTES
from interfax_soap.rest.outbound import FAX_ROUTES
from interfax_soap.rest.request import RestAwareRequest
from interfax_soap.rest.router import REST_ROOTS, RestRoot, Route

__all__ = [
    "RestServices",
    "RestAwareRequest",
    "build_rest_roots",
    "all_routes",
    "OPENAPI_PATH",
]

# Children of /inbound that the receive gateway keeps serving.
_KEPT = {"inbound": (b"receive",)}


def all_routes() -> tuple[Route, ...]:
    api = (*FAX_ROUTES, *BATCH_ROUTES, *DOCUMENT_ROUTES, *INBOUND_ROUTES, *ACCOUNT_ROUTES)
    return (*api, *help_routes(api))


def build_rest_roots(
    services: RestServices,
    proxies: ProxyPolicy,
    previous: dict[str, resource.Resource] | None = None,
) -> dict[str, resource.Resource]:
    """One resource per REST root, to mount on the site's root.

    Args:
        previous: what those roots served before (``inbound``: the receive gateway); its
            ``/inbound/receive`` keeps working.
    """
    routes = all_routes()
    roots: dict[str, resource.Resource] = {}
    for name in REST_ROOTS:
        mine = [r for r in routes if r.segments[0] == name]
        roots[name] = RestRoot(
            mine, services, proxies, (previous or {}).get(name), _KEPT.get(name, ())
        )
    return roots
