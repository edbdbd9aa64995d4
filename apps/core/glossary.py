"""The glossary (apps/core/glossary.toml): terms and abbreviations in plain English, and a
helper that marks up the abbreviations in a piece of text."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

GLOSSARY = Path(__file__).with_name("glossary.toml")


@dataclass(frozen=True)
class Term:
    term: str
    name: str
    means: str

    @property
    def anchor(self) -> str:
        return slugify(self.term)

    @property
    def is_abbreviation(self) -> bool:
        return self.term != self.name


@functools.lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    data = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))
    return tuple(sorted((Term(**t) for t in data["term"]), key=lambda t: t.term.lower()))


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    abbreviations = sorted((t.term for t in terms() if t.is_abbreviation), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(a) for a in abbreviations) + r")\b")


def mark_abbreviations(text: str) -> SafeString:
    """`text`, escaped, with each glossary abbreviation as <abbr title="what it stands for">."""
    by_term = {t.term: t for t in terms()}

    def replace(match: re.Match) -> str:
        term = by_term[match.group(1)]
        return f'<abbr title="{escape(term.name)}">{match.group(1)}</abbr>'

    return mark_safe(_pattern().sub(replace, str(escape(text))))  # noqa: S308 - escaped above
