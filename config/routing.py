"""WebSocket routes. The exercise socket joins them with the real-time spine."""

websocket_urlpatterns: list = []
