"""The after-action review: analysis, charts' data and replay, drafted from the log."""
