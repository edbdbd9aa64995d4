"""Board-paper tests reuse the engagements tests' people and cases (real councils)."""

from apps.engagements.tests.conftest import cases, offers, people  # noqa: F401
