"""Page access for staff: signed in, with a role."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from exercise.roles import caller_for_user


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sends anonymous visitors to the login page and refuses users without a staff role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        caller = caller_for_user(request.user)
        if caller is None:
            raise PermissionDenied("Your account has no staff role in Parley.")
        request.caller = caller  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
