"""/api/docs/: Swagger UI renders the API under the site's Content-Security-Policy."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_api_operations_under_the_csp(page, live_server, sign_in_as):
    from gongjian.lib.testing import make_user

    make_user("reader")
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    sign_in_as("reader")
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    # Swagger UI draws a section per tag and a block per operation once its script has run and read the schema.
    page.locator(".opblock").nth(4).wait_for(timeout=30_000)
    assert "Gongjian API" in page.locator(".info .title").inner_text()
    assert page.locator(".opblock-summary-path").first.inner_text().startswith("/api/v1/")
    assert refused == []
