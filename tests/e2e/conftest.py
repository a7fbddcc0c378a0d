"""Browser journeys: Playwright driving Debian's Chromium, headless, no sandbox."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def login(page, live_server):
    """login(username, password) through the real login form."""

    def _login(username, password):
        # Leave the page first: a late response (the notification badge's poll) would set the old
        # session cookie again after it was cleared, and the login page would then redirect home.
        # Leaving does not stop a response already on its way (seen once in CI), so the cookies are
        # cleared again until the login form really shows.
        page.goto("about:blank")
        for _attempt in range(3):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/accounts/login/")
            if page.locator("#id_username").count():
                break
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")

    return _login


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def sign_in_as(page, live_server, login):
    """sign_in_as(username): switch the browser to that user and wait for the home page."""
    from gongjian.lib.testing import PASSWORD

    def _sign_in_as(username):
        login(username, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")

    return _sign_in_as


@pytest.fixture
def pick(page):
    """pick("#id_host", "slxy", org.uuid): type into a search picker (lib/pickers.py) and choose the row with that value."""

    def _pick(select, query, value):
        control = page.locator(f"{select}-ts-control")
        control.click()
        control.fill(query)
        page.locator(f'{select}-ts-dropdown [data-value="{value}"]').click()
        page.keyboard.press("Escape")  # a multiple picker stays open for the next choice
        # Clearing the search box after a choice asks for matches again; an answer that arrives while
        # the box still has focus opens the list again over whatever is below it (the save button).
        control.blur()
        page.locator(f"{select}-ts-dropdown").wait_for(state="hidden")

    return _pick
