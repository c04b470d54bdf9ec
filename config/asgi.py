"""ASGI entry point: Django for HTTP (hotline messages answered before it where they
can be: players.hotline_http), Channels for the exercise sockets."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models, consumers included.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from players.hotline_http import HotlineMessages  # noqa: E402
from realtime.auth import SocketSession  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

# No blanket Origin check here: a token-authenticated socket needs no Origin (API.md);
# the consumer checks Origin whenever a session cookie is what vouches for the caller.
application = ProtocolTypeRouter(
    {
        "http": HotlineMessages(django_asgi_app),
        "websocket": SocketSession(URLRouter(websocket_urlpatterns)),
    }
)


def _tune_garbage_collector() -> None:
    """Fan-out allocates many short-lived objects; measured here, the collector took 40-55 %
    of a bare server's fan-out CPU. Freeze what start-up loaded (Django, URL conf, the app)
    so collections skip it, and collect the young generation less often.
    PARLEY_GC_THRESHOLD="gen0,gen1,gen2" overrides; "off" leaves Python's defaults."""
    setting = os.environ.get("PARLEY_GC_THRESHOLD", "50000,20,100")
    if setting == "off":
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(int(part) for part in setting.split(",")))


_tune_garbage_collector()
