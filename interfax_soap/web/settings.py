"""The user's settings page (sending defaults, notifications, received faxes, forwarding)."""

from __future__ import annotations

from interfax_soap.engine.outbound import ORIENTATIONS, PAGE_SIZES
from interfax_soap.engine.websettings import INBOUND_FORMATS, NOTIFY_FORMATS, UserSettings
from interfax_soap.web.forms import user_settings
from interfax_soap.web.http import Page, Response, redirect
from interfax_soap.web.resource import Web

__all__ = ["settings_form", "save_settings"]


def _form(web: Web, page: Page, values: UserSettings, problems: dict[str, str],
          status: int = 200) -> Response:
    return web.render(
        page, "settings.html", status,
        values=values, problems=problems,
        page_sizes=tuple(PAGE_SIZES.values()), orientations=tuple(ORIENTATIONS.values()),
        notify_formats=NOTIFY_FORMATS, inbound_formats=INBOUND_FORMATS,
        saved=page.arg("msg") == "saved",
    )


async def settings_form(web: Web, page: Page) -> Response:
    assert page.session is not None
    values = await web.services.settings.load(page.session.acting)
    return _form(web, page, values, {})


async def save_settings(web: Web, page: Page) -> Response:
    assert page.session is not None
    acting = page.session.acting
    current = await web.services.settings.load(acting)
    values = user_settings(page, current)
    problems = await web.services.settings.save(acting, values)
    if problems:
        return _form(web, page, values, problems, 400)
    return redirect("/web/settings?msg=saved")
