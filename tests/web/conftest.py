"""Fixtures of the account web's tests: Debian's Chromium driven by Selenium, signing in
over plain HTTP, and the artifacts folder for screenshots."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import IN_CI, RunningServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
# What Debian's Chromium needs to run headless in a container, and nothing that phones home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)


def browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            return f"{tool} is missing"
    return None


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    """A headless Chromium with a fresh profile; CI fails without one, elsewhere it skips."""
    missing = browser_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"{missing}: run scripts/setup-browser (CI requires the browser)")
        pytest.skip(f"{missing} (run scripts/setup-browser)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, name: str) -> Path:
    """The whole page (not only the window) as ``artifacts/web/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    width, height = driver.get_window_size().values()
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(height, min(int(full) + 120, 4000)))
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(width, height)
    return path


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def http_sign_in(base_url: str, username: str, password: str) -> requests.Session:
    """A requests session signed in to the account web (the way a browser does it)."""
    session = requests.Session()
    form = session.get(f"{base_url}/web/signin", timeout=30)
    answer = session.post(
        f"{base_url}/web/signin",
        data={"csrf": csrf_of(form.text), "username": username, "password": password},
        allow_redirects=False, timeout=30,
    )
    assert answer.status_code == 303, answer.text
    return session


@contextlib.contextmanager
def admin(server: RunningServer) -> Iterator[Any]:
    """The engine's Accounts on the server's database, in this process: what the admin
    commands do (they work while a server runs), without starting one process each."""
    from twisted.internet import reactor

    from interfax_soap.app import open_database, security_policy
    from interfax_soap.config import load_settings
    from interfax_soap.engine.accounts import Accounts

    settings = load_settings(environ=server.env)
    database = open_database(settings, reactor, upgrade=False)
    try:
        yield Accounts(database, reactor, security_policy(settings))
    finally:
        database.engine.dispose()


def add_users(server: RunningServer, password: str, *names: str,
              account: tuple[str, ...] = ()) -> None:
    """Adds users, and an account (name, primary user, other users...)."""
    with admin(server) as accounts:
        for name in names:
            accounts.add_user_sync(name, password)
        if account:
            name, primary, *members = account
            accounts.add_account_sync(name, primary)
            for member in members:
                accounts.add_account_user_sync(name, member)
