"""The hand-off desk (a live hub, a section head, a court, receiving agencies) for the overview."""

from tests.handoffs.conftest import desk  # noqa: F401
