"""The API's documentation page works under the Content-Security-Policy: Swagger UI is
served from our own static files and needs nothing the policy blocks (the page fixture
fails a test on anything blocked)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_api_documentation_draws_every_operation(open_page):
    page = open_page()
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Parley")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/event-kinds")).to_be_visible()
