"""The hand-off desk (a live hub, a reviewer, a court, receiving agencies) for archive tests."""

from tests.handoffs.conftest import desk  # noqa: F401
