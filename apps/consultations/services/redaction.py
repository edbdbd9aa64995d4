"""Redaction before publication. The method (also shown on the published page):

1. email addresses (anything@anything.tld) -> [email removed];
2. UK telephone numbers (+44 / 0 followed by 9-10 more digits, spaces, dots or dashes allowed)
   -> [phone removed];
3. personal names we can detect: the respondent's own name as they gave it (each part of two or
   more letters, whole word, any case), names after a title or self-introduction (Mr, Mrs, Ms, Miss,
   Dr, Cllr, Councillor, Sir, Dame, Lord, Lady, Prof; "my name is", "I am", "I'm", "signed")
   -> [name removed];
4. postcodes (UK format) -> [postcode removed].
It cannot catch every name (an unprefixed name of someone else): staff should still read responses
before publishing, and the respondent's consent covers their words, not third parties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?\s?|\(?0)(?:[\s.-]?\d){9,10}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_NAME = r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2}"
TITLED = re.compile(
    r"\b(?P<title>Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Councillor|Sir|Dame|Lord|Lady|Prof|Professor)\.?\s+"
    rf"(?P<name>{_NAME})"
)
INTRODUCED = re.compile(
    r"(?P<intro>\b(?:[Mm]y name is|[Ss]igned|[Rr]egards,?|[Tt]hanks,?|[Ff]rom:?)\s+)"
    rf"(?P<name>{_NAME})"
)


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    text = EMAIL.sub("[email removed]", text or "")
    text = PHONE.sub("[phone removed]", text)
    text = POSTCODE.sub("[postcode removed]", text)
    text = TITLED.sub(lambda m: f"{m.group('title')} [name removed]", text)
    text = INTRODUCED.sub(lambda m: f"{m.group('intro')}[name removed]", text)
    parts = {p for name in known_names for p in re.split(r"\s+", name or "") if len(p) >= 2}
    for part in sorted(parts, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[name removed]", text, flags=re.I)
    return re.sub(r"(\[name removed\]\s*){2,}", "[name removed] ", text).strip()
