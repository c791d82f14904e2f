"""The hand-off desk (a live hub, a reviewer, a court, receiving agencies) for 回头看 tests."""

from tests.handoffs.conftest import desk  # noqa: F401
