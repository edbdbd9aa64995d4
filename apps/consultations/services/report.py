"""The 'what we heard' report: per question, counts by stakeholder group (chart + table), themes
with counts and quotes, and the views from regional meetings, shown apart from written responses.
Built as an `apps.reports.documents.BoardPaper` so it renders to HTML, PDF and DOCX alike."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from apps.consultations.models import (
    Answer,
    Channel,
    Consultation,
    MeetingView,
    QuestionKind,
    StakeholderGroup,
)
from apps.consultations.services import charts, tallies, themes
from apps.consultations.services.campaigns import campaign_groups
from apps.consultations.services.redaction import redact
from apps.reports.documents import BoardPaper, Chart, Quote, Section, Table, count, number


def _frame_table(frame, caption: str, first: str) -> Table:
    header = [first] + [str(c) for c in frame.columns]
    rows = [
        [str(i)] + [number(v) for v in row]
        for i, row in zip(frame.index, frame.values.tolist(), strict=True)
    ]
    return Table(caption=caption, header=header, rows=rows)


def response_counts(consultation: Consultation) -> dict[str, int]:
    submitted = consultation.responses.submitted()
    return submitted.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(channel=Channel.ONLINE)),
        offline=Count("pk", filter=~Q(channel=Channel.ONLINE)),
        late=Count("pk", filter=Q(is_late=True)),
        organisations=Count("pk", filter=~Q(group=StakeholderGroup.INDIVIDUALS)),
        demo=Count("pk", filter=Q(is_demo=True)),
    )


def _responses_in(groups) -> int:
    return Answer.objects.filter(campaign__in=list(groups)).values("response_id").distinct().count()


def build_what_we_heard(
    consultation: Consultation, *, quotes_per_theme: int = 2, for_web: bool = True
) -> BoardPaper:
    """The report; charts are drawn as SVG for the web page or as PNG for PDF/DOCX."""
    counts = response_counts(consultation)
    meetings = list(consultation.meetings.order_by("date"))
    groups = campaign_groups(consultation)
    campaigns = [g for g in groups if g.label == "Campaign"]
    in_campaigns = _responses_in(campaigns)
    near = [g for g in groups if g.label != "Campaign"]
    summary = [
        f"This report sets out what we heard in the consultation “{consultation.title}”, open "
        f"from {consultation.opens_on:%-d %B %Y} to {consultation.closes_on:%-d %B %Y}.",
        f"We received {counts['total']} written responses ({counts['online']} online, "
        f"{counts['offline']} by post, email or at meetings; {counts['late']} arrived after the "
        f"closing date and are included, flagged late). {counts['organisations']} came from "
        f"organisations. We also held {len(meetings)} consultation meetings; the views expressed "
        "there are reported beside, and counted separately from, the written responses.",
    ]
    if campaigns:
        summary.append(
            f"{in_campaigns} responses belong to {len(campaigns)} campaign groups (the same or "
            "nearly the same text sent by several people). Every one is counted; each group's "
            "text is quoted once."
        )
    if near:
        summary.append(
            f"{_responses_in(near)} responses share a near-identical "
            f"answer with a few others ({len(near)} small groups); "
            "they too are all counted."
        )
    if counts["demo"]:
        summary.append(f"Demonstration data: {counts['demo']} of these responses are demo records.")
    sections = []
    group_table = consultation.responses.submitted().values("group").annotate(n=Count("pk"))
    labels = dict(StakeholderGroup.choices)
    sections.append(
        Section(
            heading="Who responded",
            tables=[
                Table(
                    caption="Written responses by stakeholder group",
                    header=["Stakeholder group", "Responses"],
                    rows=[[labels.get(r["group"], r["group"]), str(r["n"])] for r in group_table],
                )
            ],
        )
    )
    if meetings:
        sections.append(
            Section(
                heading="Consultation meetings",
                tables=[
                    Table(
                        caption="Meetings held",
                        header=["Date", "Region", "Venue", "Views recorded"],
                        rows=[
                            [f"{m.date:%-d %b %Y}", m.region, m.venue, str(m.views.count())]
                            for m in meetings
                        ],
                    )
                ],
            )
        )
    for question in consultation.questions.all():
        section = Section(heading=f"Question {question.number}: {question.text}")
        answered = question.answers.filter(response__submitted_at__isnull=False).count()
        section.paragraphs.append(f"{count(answered, 'written response')} answered this question.")
        if question.has_choices:
            table = tallies.question_tally(question)
            section.tables.append(
                _frame_table(
                    table, f"Answers to question {question.number} by stakeholder group", "Answer"
                )
            )
            if int(table["All"].sum()):
                title = f"Q{question.number} answers by stakeholder group"
                section.charts.append(
                    Chart(
                        title=title,
                        png=b"" if for_web else charts.stacked_bars(table, title, "png"),
                        svg=charts.svg_markup(table, title),
                        alt=f"Bar chart of answers to question {question.number}: "
                        + "; ".join(f"{i}: {v}" for i, v in table["All"].items())
                        + ".",
                    )
                )
        if question.kind == QuestionKind.SCALE:
            agreement = tallies.question_agreement(question)
            if agreement is not None and len(agreement):
                section.tables.append(
                    _frame_table(
                        agreement,
                        "Agreement by stakeholder group (score +2 strongly agree to -2 "
                        "strongly disagree)",
                        "Group",
                    )
                )
        if question.has_text:
            theme_rows = list(themes.themes_with_counts(question))
            if theme_rows:
                section.tables.append(
                    Table(
                        caption=f"Themes in the free-text answers to question {question.number}",
                        header=["Theme", "Description", "Responses"],
                        rows=[[t.name, t.description, str(t.answers_count)] for t in theme_rows],
                    )
                )
                for theme in theme_rows[:8]:
                    quotes = themes.theme_quotes(theme, k=quotes_per_theme)
                    section.subsections.append(
                        Section(
                            heading=f"{theme.name} ({theme.answers_count})",
                            paragraphs=[theme.description] if theme.description else [],
                            quotes=[_quote(a) for a in quotes if a.response.consent_to_publish],
                        )
                    )
            else:
                section.paragraphs.append("Free-text answers have not yet been themed.")
        if question.has_text:
            read = themes.question_sentiment(question)
            if read:
                section.paragraphs.append(
                    f"Read from the free text (a guide from English word lists, not a count): "
                    f"{read['agree']}% express agreement and {read['disagree']}% disagreement; "
                    f"{read['positive']}% are positive in tone and {read['negative']}% negative."
                )
        views = list(MeetingView.objects.filter(question=question).select_related("meeting"))
        if views:
            section.subsections.append(_meeting_section(views, "Views from consultation meetings"))
        sections.append(section)
    general = list(
        MeetingView.objects.filter(meeting__consultation=consultation, question__isnull=True)
        .select_related("meeting")
        .order_by("-agrees")
    )
    if general:
        sections.append(_meeting_section(general, "General views from consultation meetings"))
    return BoardPaper(
        title=f"What we heard: {consultation.title}",
        subtitle="Consultation response report",
        date=timezone.localdate(),
        summary=summary,
        recommendations=[
            "Note the responses received and the views expressed at the consultation meetings.",
            "Agree the changes to the framework set out in the 'you said, we did' table.",
        ],
        background=sections,
        financial_implications="This work can be carried out within existing budgets.",
        implications_for_wales="None direct.",
        contact_officer=consultation.contact_officer,
    )


def _meeting_section(views: list[MeetingView], heading: str) -> Section:
    agrees = sum(v.agrees or 0 for v in views)
    disagrees = sum(v.disagrees or 0 for v in views)
    counted = [v for v in views if v.agrees is not None or v.disagrees is not None]
    text = (
        f"{count(len(views), 'view')} recorded at meetings, reported separately from written "
        "responses."
    )
    if counted:
        text += (
            f" Where those present showed agreement, {count(agrees, 'agreement')} and "
            f"{count(disagrees, 'disagreement')} were recorded across "
            f"{count(len(counted), 'view')}."
        )
    sources = sorted({v.meeting.source for v in views if v.meeting.source})
    return Section(
        heading=heading,
        paragraphs=[text] + [f"Source: {s}" for s in sources],
        quotes=[Quote(v.text, _meeting_attribution(v)) for v in views[:6]],
    )


def _quote(answer) -> Quote:
    response = answer.response
    who = (
        response.respondent_label
        if response.respondent_type == "organisation"
        else (labels_for(response.group))
    )
    return Quote(redact(answer.text, [response.name]), who)


def labels_for(group: str) -> str:
    return dict(StakeholderGroup.choices).get(group, group)


def _meeting_attribution(view: MeetingView) -> str:
    bits = [f"{view.meeting.region} meeting, {view.meeting.date:%-d %b %Y}"]
    if view.agrees is not None or view.disagrees is not None:
        bits.append(f"{view.agrees or 0} agreed, {view.disagrees or 0} disagreed")
    return "; ".join(bits)
