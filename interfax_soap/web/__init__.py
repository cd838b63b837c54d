"""The account web: server-rendered pages under ``/web/`` on the same Twisted site."""

from interfax_soap.web.resource import WebResource, WebServices

__all__ = ["WebResource", "WebServices"]
