"""Consultation: what we heard, as a board paper. The consultations app builds the report
(`apps.consultations.services.report`); this template adds the paper's header block, versions
and approval like any other paper."""

from __future__ import annotations

import datetime as dt

from apps.reports.documents import OFFICIAL
from apps.reports.papers import Content


class WhatWeHeard:
    key = "consultation"
    label = "Consultation: what we heard"
    description = (
        "What the consultation heard: responses by stakeholder group, answers to each question "
        "with charts, themes in the free text with quotes, views from consultation meetings."
    )
    classification = OFFICIAL
    purpose = "decision"

    @staticmethod
    def consultation(options: dict):
        from apps.consultations.models import Consultation

        slug = options.get("consultation")
        found = Consultation.objects.filter(slug=slug).first() if slug else None
        return found or Consultation.objects.order_by("-closes_on").first()

    def default_title(self, as_at: dt.date, options: dict) -> str:
        consultation = self.consultation(options)
        return f"What we heard: {consultation.title}" if consultation else "What we heard"

    def build(
        self, as_at: dt.date, since: dt.date | None, options: dict, *, with_annex: bool
    ) -> Content:
        from apps.consultations.services.report import build_what_we_heard

        consultation = self.consultation(options)
        if consultation is None:
            raise LookupError("There is no consultation to report on.")
        report = build_what_we_heard(consultation, for_web=False)
        return Content(
            sections=report.background,
            summary=report.summary,
            recommendations=report.recommendations,
            recommendations_lead="That the Improvement Board:",
            financial_implications=report.financial_implications,
            implications_for_wales=report.implications_for_wales,
            subtitle=report.subtitle,
        )
