"""The sign-in page takes no more wrong passwords from one address, or for one account,
than the token endpoint does, and shares those allowances with it."""

from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests import builders

LOGIN = "/accounts/login/"
FAILURES_ALLOWED = 10  # JOIN_FAILURE_RATE = "10/5m"


def sign_in(client: Client, staff: builders.Staff, password: str):
    return client.post(LOGIN, {"username": staff.user.username, "password": password})


def test_the_right_password_after_too_many_wrong_ones_is_refused(facilitator):
    client = Client()
    for _ in range(FAILURES_ALLOWED):
        assert sign_in(client, facilitator, "wrong").status_code == 200

    refused = sign_in(client, facilitator, facilitator.password)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 300
    assert b"Too many failed attempts" in refused.content
    assert SESSION_KEY not in client.session


def test_the_right_password_within_the_allowance_signs_in(facilitator):
    client = Client()
    for _ in range(FAILURES_ALLOWED - 1):
        sign_in(client, facilitator, "wrong")

    response = sign_in(client, facilitator, facilitator.password)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(facilitator.user.pk)


def test_the_page_and_the_token_endpoint_share_one_allowance(facilitator):
    client = Client()
    api = builders.ApiClient(client)
    for _ in range(FAILURES_ALLOWED // 2):
        assert (
            api.post("/api/v1/auth/token", {"username": facilitator.user.username, "password": "x"}).status_code == 401
        )
        sign_in(client, facilitator, "wrong")

    credentials = {"username": facilitator.user.username, "password": facilitator.password}
    assert api.post("/api/v1/auth/token", credentials).status_code == 429
    assert sign_in(client, facilitator, facilitator.password).status_code == 429


ACCOUNT_FAILURES_ALLOWED = 20  # ACCOUNT_FAILURE_RATE = "20/15m"


def test_one_account_guessed_from_many_addresses_meets_a_limit(facilitator, settings):
    assert settings.ACCOUNT_FAILURE_RATE == "20/15m"
    for number in range(ACCOUNT_FAILURES_ALLOWED):
        address = f"10.0.{number}.1"  # each address well within its own allowance
        assert sign_in(Client(REMOTE_ADDR=address), facilitator, "wrong").status_code == 200

    page = sign_in(Client(REMOTE_ADDR="10.1.0.1"), facilitator, facilitator.password)
    token = builders.ApiClient(Client(REMOTE_ADDR="10.1.0.2")).post(
        "/api/v1/auth/token", {"username": facilitator.user.username.upper(), "password": facilitator.password}
    )

    assert page.status_code == token.status_code == 429
    assert b"for this account" in page.content
    other = builders.staff("evaluator")
    assert sign_in(Client(REMOTE_ADDR="10.1.0.3"), other, other.password).status_code == 302
