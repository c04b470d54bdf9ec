"""Page access for staff: signed in, with a role, and assigned to the page's exercise."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from exercise.errors import NotFound
from exercise.roles import caller_for_user
from exercise.staffing import caller_for_path


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sends anonymous visitors to the login page, refuses users without a staff role, and
    answers 404 for an exercise the user is not assigned to, as for one that does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        caller = caller_for_user(request.user)
        if caller is None:
            raise PermissionDenied("Your account has no staff role in Parley.")
        try:
            caller = caller_for_path(caller, kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        request.caller = caller  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
