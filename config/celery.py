"""The Celery app: in production a worker and beat over Redis drive the clock."""

import os

from celery import Celery
from celery.app.amqp import AMQP
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class BrokerConnection(Connection):
    """A broker connection that forgets its channel once it has been collected.

    When Redis goes away, Celery 5.7's worker collects the broken connection (which
    detaches its transport) and then closes it. The channel whose close failed in the
    collection, because Redis was down, is closed once more, now without a transport:
    its unacknowledged messages cannot be restored, kombu raises AttributeError instead
    of a connection error, and the worker stops for good ("Unrecoverable error", the clock
    stops). Nothing in that channel can be reached any more, so forget it; the worker
    then reconnects when Redis is back. Releases never depend on those messages: the
    next tick finds whatever is due in the database (tests/faults/test_redis_restart.py).

    Celery 5.6 only collected the connection; 5.7.0 added the close, and going back to 5.6
    would take redis-py back below 6.5 under channels-redis and the cache. Drop this once
    a release no longer closes a collected connection: the fault test tells.
    """

    def collect(self, socket_timeout: float | None = None) -> None:
        super().collect(socket_timeout)
        self._default_channel = None


class BrokerAMQP(AMQP):
    Connection = BrokerConnection


app = Celery("parley", amqp=BrokerAMQP)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
