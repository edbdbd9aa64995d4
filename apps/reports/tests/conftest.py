"""Board-paper tests reuse the engagements tests' people and cases and the consultations tests'
'what we heard' consultation (real councils, no copies of their set-up)."""

from apps.consultations.tests.conftest import make_consultation  # noqa: F401
from apps.consultations.tests.test_reports import heard  # noqa: F401
from apps.engagements.tests.conftest import cases, offers, people  # noqa: F401
