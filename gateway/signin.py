"""The staff sign-in page, with the same allowance of failures per address and per
account as the token endpoint: both take the same passwords, so a guesser gains nothing
by switching."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from gateway.ratelimits import Refused, count_failure, refuse_if_failing

GROUP = "auth"  # the token endpoint's


class SignInForm(AuthenticationForm):
    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        # Django's login view always hands the form its request.
        request = self.request
        assert request is not None
        account = str(self.data.get("username", ""))
        try:
            refuse_if_failing(request, GROUP, account)
        except Refused as exc:  # refused before the password is even looked at
            self.retry_after = exc.retry_after
            raise ValidationError(exc.message, code="rate_limited") from None
        try:
            return super().clean()
        except ValidationError:
            count_failure(request, GROUP, account)
            raise


class SignIn(LoginView):
    authentication_form = SignInForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "retry_after", None) is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)  # type: ignore[attr-defined]
        return response
