"""The exercise WebSocket: authenticate, subscribe, replay from the log, forward live events."""
