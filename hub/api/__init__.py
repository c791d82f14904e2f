"""The HTTP face of the hub: app factory, shared dependencies, error handlers."""
