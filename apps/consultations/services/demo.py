"""Demo data for `make run`: a consultation on the sector-led support framework that is open now,
and an earlier round, closed, with responses, meetings, agreed themes and a published outcome.

The paper text is the 2009 Improvement Board paper "Sector Led Help – Consultation framework"
(LGA/IDeA), attributed, with its timetable's dates moved to each demo consultation's own dates and
its officers' contact details left out. Responses, meeting notes and the closed round's final
framework are DEMO text written for this product from the 2009 board papers (flagged `is_demo`,
names never given); every meeting view is about the framework and filed under the question it
answers.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.consultations.models import (
    Answer,
    Channel,
    Consultation,
    FrameworkChange,
    MeetingView,
    PaperVersion,
    Question,
    QuestionKind,
    RegionalMeeting,
    RespondentType,
    Response,
    StakeholderGroup,
    Theme,
    ThemeOrigin,
    start_of_day_london,
)
from apps.councils.models import REGIONS, Council

OPEN_SLUG = "sector-led-support-framework"
CLOSED_SLUG = "sector-led-support-framework-first-round"
SEED_PAPER = "2009-sector-led-help-consultation-framework.txt"
ATTRIBUTION = (
    "Paper text: “Sector Led Help – Consultation framework”, Improvement Board paper (LGA and "
    "IDeA, 2009), reproduced for demonstration."
)
ADAPTED = (
    " Timetable dates changed to this demo consultation's dates; officers' contact details left "
    "out."
)
FRAMEWORK_TEXT = """Demo: a final framework written for this product from the 2009 Improvement \
Board papers. It shows what a published outcome looks like; it is not an adopted framework.

Local government led help for councils facing difficulties

1. What the framework is for

Support and challenge from within the sector are more cost effective than government \
intervention. Councils and their support bodies therefore address agreed areas of weakness \
before any government intervention is taken, for an agreed period, normally six months.

2. Principles

- The council acknowledges the need to improve and accepts help; help is offered, not imposed.
- Political ownership of the response to serious underperformance at national, regional and \
local level.
- Accredited member and officer peers are at the heart of every package of support.
- Where a council will not accept help, the sector says so and intervention remains possible.

3. Critical success factors

- Trust: councils are honest and self-aware about their problems, and the support bodies keep \
what they learn in confidence.
- Clarity: each region has a single front door, the regional improvement partnership, so a \
council knows where to go first.
- Early warning: national performance data and local intelligence are read together and shared \
with the regional partnerships in confidence.
- Capacity: peer support for district councils is funded from the national improvement budget.

4. Who does what

Councils	Ask for help early; agree an improvement plan and report on it to their members.
Regional partnerships	The front door: broker support, read the early warning information, \
co-ordinate peers.
National bodies	Accredit and deploy peers, fund support for small councils, keep the \
framework under review.
Government and inspectorates	Share early warning information; co-ordinate inspection visits; \
allow the agreed period before intervening.

5. Review

The framework is reviewed a year after it is adopted, with the councils that have used it.
"""

QUESTIONS = [
    (
        QuestionKind.SCALE,
        "Local government should have the right to address agreed areas of "
        "weakness in a council before any government intervention is taken.",
        [],
    ),
    (
        QuestionKind.SCALE,
        "For sector-led support to work, a council must acknowledge the need to "
        "improve and accept help.",
        [],
    ),
    (
        QuestionKind.MULTIPLE,
        "Which of the critical success factors in the draft framework matter most to you?",
        [
            "Trust between the council and the sector's improvement bodies",
            "Political ownership at national, regional and local level",
            "Clarity about the support architecture",
            "An agreed approach to early warning signs of difficulty",
        ],
    ),
    (
        QuestionKind.CHOICE_TEXT,
        "Are the proposed roles of individual councils, the regional "
        "partnerships and the national bodies clear?",
        ["Yes", "Partly", "No"],
    ),
    (
        QuestionKind.SINGLE,
        "What should be the main source of early warning of difficulty?",
        [
            "National performance information",
            "Local intelligence from regional partnerships",
            "Peer challenge",
            "A combination of these",
        ],
    ),
    (
        QuestionKind.FREE_TEXT,
        "What commitments should government and the inspectorates make in "
        "return for a sector-led approach?",
        [],
    ),
    (
        QuestionKind.FREE_TEXT,
        "Is there anything else you would like to tell us about the draft framework?",
        [],
    ),
]

# DEMO free text, by theme: (theme name, description, sentences). Written for the demo.
COMMITMENTS = [
    (
        "Time before intervention",
        "Give sector-led support a fair, agreed period before any statutory intervention.",
        [
            "Government should commit to giving sector-led support a fixed period, say six months, "
            "before any formal intervention.",
            "Ministers should only intervene once the sector's own offer has been tried and has "
            "failed.",
            "We need a clear agreement on how long the sector has to act before the department "
            "steps in.",
        ],
    ),
    (
        "Less inspection burden",
        "Inspectorates should reduce or co-ordinate inspection where the "
        "sector is already engaged.",
        [
            "Inspectorates should co-ordinate their visits so a struggling council is not "
            "inspected "
            "three times in one year.",
            "Where an improvement board is in place, the inspection burden should be reduced.",
            "Duplication between the inspectorates wastes officer time that should go on "
            "improvement.",
        ],
    ),
    (
        "Shared early warning information",
        "Government and inspectorates share the data and intelligence they hold, early.",
        [
            "Government should share its early warning data with the sector so we can act sooner.",
            "The inspectorates hold intelligence about councils at risk; it should be shared "
            "with the "
            "regional partnerships in confidence.",
            "A single shared dashboard of indicators would stop councils being surprised by a poor "
            "judgement.",
        ],
    ),
    (
        "Funding for improvement",
        "Resources to match the responsibility the sector takes on.",
        [
            "There must be funding for peer support; the sector cannot absorb this within existing "
            "budgets for long.",
            "If the sector takes responsibility, the department must transfer the improvement "
            "budget "
            "that comes with it.",
            "Small district councils cannot pay for interim capacity; a national fund is needed.",
        ],
    ),
]
ANYTHING_ELSE = [
    (
        "Peers are the strength",
        "Accredited member and officer peers are what makes it work.",
        [
            "The accredited peers were the most valuable part of the support our council received.",
            "Peer challenge from people who have run a council carries weight that consultants "
            "never do.",
            "Please protect the peer programme; political peers in particular made the difference.",
        ],
    ),
    (
        "Confusing architecture",
        "Too many bodies; councils don't know where to go.",
        [
            "It is still unclear whether a council should go first to the regional partnership "
            "or to "
            "the national bodies.",
            "There are too many bodies offering help and their roles overlap.",
            "A single front door for councils in difficulty would make the framework much simpler.",
        ],
    ),
    (
        "Partnerships and place",
        "Problems often sit in partnerships, not one council.",
        [
            "Many of the hardest problems sit in partnerships with health and police, not in "
            "one council.",
            "The framework says too little about partnership failures across a place.",
        ],
    ),
]
CAMPAIGN_TEXT = (
    "As members of our district councils' network we support the principle of sector-led help, "
    "but the framework must recognise the limited capacity of small districts and provide "
    "funded support rather than expecting councils to pay for it themselves."
)


def _paper_for(consultation: Consultation, text: str) -> str:
    """The 2009 paper with its timetable on this demo consultation's dates (the page and the paper
    must agree on when the consultation opens and closes)."""
    opens, closes = consultation.opens_on, consultation.closes_on
    swaps = [
        ("between April and June", f"between {opens:%B %Y} and {closes:%B %Y}"),
        ("Early April\t", f"{opens:%-d %B %Y}\t"),
        ("April/May/June\t", f"{opens:%B %Y} to {closes:%B %Y}\t"),
        ("30 June\t", f"{closes:%-d %B %Y}\t"),
        ("in the Summer", "after the consultation closes"),
    ]
    for old, new in swaps:
        text = text.replace(old, new)
    return text


def _seed_paper_text() -> str:
    path = settings.DATA_DIR / "seeds" / SEED_PAPER
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    return (
        "This paper sets out a draft framework for local government led help for councils "
        "facing difficulties: key principles, critical success factors, roles for individual "
        "councils, the regional partnerships and the national bodies, and the commitments asked "
        "of government and the regulatory regime."
    )


def _questions(consultation: Consultation) -> dict[int, Question]:
    out = {}
    for number, (kind, text, options) in enumerate(QUESTIONS, start=1):
        out[number] = Question.objects.create(
            consultation=consultation,
            number=number,
            text=text,
            kind=kind,
            options=options,
            required=False,
        )
    return out


OPENERS = [
    "",
    "",
    "In our view, ",
    "Speaking for our authority, ",
    "Our members felt that ",
    "From experience, ",
    "On balance, ",
    "We would stress that ",
    "Simply put, ",
]
CLOSERS = [
    "",
    "",
    "",
    " This matters a great deal to us.",
    " We would welcome a discussion.",
    " We saw this at first hand last year.",
    " Other councils in our region agree.",
    " The draft says too little about it.",
]


CONTEXTS = [
    "We are a unitary authority serving about a quarter of a million people.",
    "Our council came out of an improvement board two years ago.",
    "As a small district we have one finance officer for every service.",
    "This view was agreed by our cabinet last month.",
    "Our scrutiny committee discussed the draft at length.",
    "We have hosted peer teams and sent our own officers on them.",
    "Our region has run a mentoring scheme for new leaders since 2019.",
    "The county and its districts agreed this answer together.",
    "I have been a councillor for twelve years.",
    "Our chief executive served on a peer challenge last spring.",
    "We were inspected twice in the same year.",
    "Our partnership with the health trust has been difficult.",
    "We responded to the earlier round as well.",
    "Our members are divided on this point.",
    "Speaking as a former interim chief executive,",
]


def _pick(rng: random.Random, bank: list, k: int = 1) -> tuple[str, list[str]]:
    """DEMO text: a sentence per theme, varied with an opener and closer as people write."""
    themes = rng.sample(bank, k)
    sentences = []
    for theme in themes:
        sentence = rng.choice(theme[2])
        opener = rng.choice(OPENERS)
        if opener:
            sentence = opener + sentence[0].lower() + sentence[1:]
        sentences.append(sentence + rng.choice(CLOSERS))
    if rng.random() < 0.75:
        context = rng.choice(CONTEXTS)
        if context.endswith(","):
            sentences[0] = context + " " + sentences[0][0].lower() + sentences[0][1:]
        else:
            sentences.insert(rng.randint(0, len(sentences)), context)
    return " ".join(sentences), [t[0] for t in themes]


def _responses(
    consultation: Consultation,
    questions: dict[int, Question],
    n: int,
    seed: int,
    *,
    campaign: int,
    late: int,
) -> dict[int, list[str]]:
    """Create DEMO responses; return answer pk -> theme names it was written from."""
    rng = random.Random(seed)
    councils = list(Council.objects.current().order_by("gss_code")[:400])
    groups = [
        StakeholderGroup.COUNCIL_LEADERS,
        StakeholderGroup.CHIEF_EXECUTIVES,
        StakeholderGroup.REGIONAL_PARTNERSHIPS,
        StakeholderGroup.INSPECTORATES,
        StakeholderGroup.OTHER_ORGANISATIONS,
        StakeholderGroup.INDIVIDUALS,
    ]
    weights = [5, 5, 2, 1, 2, 6]
    truth: dict[int, list[str]] = {}
    opened = start_of_day_london(consultation.opens_on)
    span = (consultation.closes_at - opened).total_seconds()
    now = timezone.now()
    for i in range(n + campaign + late):
        group = rng.choices(groups, weights)[0]
        is_campaign = n <= i < n + campaign
        is_late = i >= n + campaign
        council = rng.choice(councils) if councils else None
        if is_campaign:
            group = StakeholderGroup.COUNCIL_LEADERS
        organisation = ""
        if (
            group in (StakeholderGroup.COUNCIL_LEADERS, StakeholderGroup.CHIEF_EXECUTIVES)
            and council
        ):
            organisation = council.official_name
        elif group == StakeholderGroup.REGIONAL_PARTNERSHIPS:
            organisation = f"Regional improvement partnership, {rng.choice(REGIONS)}"
        elif group == StakeholderGroup.INSPECTORATES:
            organisation = "An inspectorate (demo)"
        elif group == StakeholderGroup.OTHER_ORGANISATIONS:
            organisation = rng.choice(
                ["A professional association (demo)", "A national charity (demo)"]
            )
        when = opened + dt.timedelta(seconds=rng.uniform(0, span))
        if is_late:
            when = consultation.closes_at + dt.timedelta(days=rng.randint(1, 10))
        when = min(when, now)
        response = Response.objects.create(
            consultation=consultation,
            respondent_type=RespondentType.INDIVIDUAL
            if group == StakeholderGroup.INDIVIDUALS
            else RespondentType.ORGANISATION,
            group=group,
            organisation=organisation,
            council=council if organisation.startswith(("London", "Council")) else None,
            consent_to_publish=rng.random() < 0.7,
            channel=Channel.STAFF
            if is_late
            else (Channel.OFFLINE_IMPORT if rng.random() < 0.15 else Channel.ONLINE),
            is_demo=True,
            received_at=when,
            submitted_at=when,
            is_late=when > consultation.closes_at,
        )
        answers = []
        lean = rng.choice([2, 1, 1, 0, -1])
        for number, question in questions.items():
            if question.kind == QuestionKind.SCALE:
                score = max(-2, min(2, lean + rng.choice([-1, 0, 0, 1])))
                answers.append(
                    (
                        question,
                        [
                            [
                                "Strongly disagree",
                                "Disagree",
                                "Neither agree nor disagree",
                                "Agree",
                                "Strongly agree",
                            ][score + 2]
                        ],
                        "",
                        [],
                    )
                )
            elif question.kind == QuestionKind.MULTIPLE:
                answers.append((question, rng.sample(question.choices, rng.randint(1, 3)), "", []))
            elif question.kind == QuestionKind.SINGLE:
                answers.append((question, [rng.choice(question.choices)], "", []))
            elif question.kind == QuestionKind.CHOICE_TEXT:
                choice = rng.choice(["Yes", "Partly", "Partly", "No"])
                text, labels = ("", [])
                if choice != "Yes":
                    text, labels = _pick(rng, ANYTHING_ELSE[1:2])
                answers.append((question, [choice], text, labels))
            elif number == 6:
                if is_campaign:
                    answers.append((question, [], CAMPAIGN_TEXT, ["Funding for improvement"]))
                elif rng.random() < 0.85:
                    text, labels = _pick(rng, COMMITMENTS, rng.choice([1, 1, 2]))
                    answers.append((question, [], text, labels))
            elif number == 7 and not is_campaign and rng.random() < 0.6:
                text, labels = _pick(rng, ANYTHING_ELSE, rng.choice([1, 1, 2]))
                answers.append((question, [], text, labels))
        for question, choices, text, labels in answers:
            answer = Answer.objects.create(
                response=response, question=question, choices=choices, text=text
            )
            if labels:
                truth[answer.pk] = labels
    return truth


def _meetings(consultation: Consultation, questions: dict[int, Question]) -> None:
    start = consultation.opens_on
    plan = [
        ("London", 20, "Local Government House, Smith Square"),
        ("North West", 35, "Regional partnership offices, Manchester (demo venue)"),
        ("South West", 55, "County hall, Taunton (demo venue)"),
        ("National", 70, "RIEP lead member meeting (online)"),
    ]
    # DEMO meeting notes: (question number, view, agreeing, disagreeing), per meeting.
    notes = [
        [
            (
                1,
                "Strong support for the sector acting first; leaders want the period before "
                "intervention written down.",
                14,
                2,
            ),
            (
                6,
                "Attendees asked the inspectorates to co-ordinate visits to the same council.",
                11,
                0,
            ),
            (
                7,
                "Several London boroughs said the regional and national roles still overlap.",
                8,
                3,
            ),
        ],
        [
            (
                2,
                "Chief executives agreed acknowledgement is essential but asked what happens "
                "when a council will not accept help.",
                9,
                3,
            ),
            (6, "Districts asked for a funded offer: they cannot buy interim capacity.", 12, 1),
            (3, "Trust was named as the factor that decides whether help is accepted.", 10, 0),
        ],
        [
            (
                5,
                "Members preferred a combination of national data and local intelligence for early "
                "warning.",
                13,
                2,
            ),
            (7, "The framework should say more about failures in partnerships with health.", 7, 1),
            (
                4,
                "County and district members agreed the regional partnership should be the first "
                "port of call for a council in difficulty.",
                11,
                1,
            ),
        ],
        [
            (
                1,
                "Lead members asked that intervention remain possible where a council refuses "
                "help.",
                6,
                4,
            ),
            (
                6,
                "Government should share its own early warning information with the regions.",
                9,
                0,
            ),
            (
                3,
                "Lead members put political ownership at national, regional and local level first "
                "among the critical success factors.",
                12,
                2,
            ),
            (
                2,
                "Acknowledging the need to improve was agreed as the condition for sector-led "
                "help; several members wanted peers to help a council reach that point.",
                10,
                1,
            ),
        ],
    ]
    for n, (region, offset, venue) in enumerate(plan):
        day = start + dt.timedelta(days=offset)
        meeting = RegionalMeeting.objects.create(
            consultation=consultation,
            region=region,
            date=day,
            venue=venue,
            is_demo=True,
            title="Consultation meeting (demo)",
            other_attendees="Council leaders and chief executives of the region\n"
            "Regional improvement partnership\nImprovement Board members",
            notes="Demo meeting notes written for this product.",
        )
        councils = Council.objects.current().filter(region=region)[:6]
        meeting.attending_councils.set(councils)
        for number, text, agrees, disagrees in notes[n]:
            MeetingView.objects.create(
                meeting=meeting,
                question=questions[number],
                text=text,
                agrees=agrees,
                disagrees=disagrees,
            )


def _themes_from_demo(
    question: Question, bank: list, truth: dict[int, list[str]], coded: int
) -> None:
    """Agreed themes for the closed round: a person codes `coded` answers, the mapper does
    the rest."""
    from apps.consultations.services import themes as theme_service

    by_name = {}
    for name, description, _ in bank:
        by_name[name] = Theme.objects.create(
            question=question,
            name=name,
            description=description,
            origin=ThemeOrigin.PERSON,
            agreed=True,
        )
    answers = [a for a in theme_service.text_answers(question) if a.pk in truth]
    rng = random.Random(question.pk)
    for answer in rng.sample(answers, min(coded, len(answers))):
        theme_service.code_answer(answer, [by_name[n] for n in truth[answer.pk] if n in by_name])
    theme_service.map_rest(question)


def _issue(consultation: Consultation, paper: PaperVersion) -> None:
    """Record the paper as issued to every contact on its publication morning (demo)."""
    from apps.consultations.models import Issue
    from apps.consultations.services.issuing import issue_paper

    groups = [g for g in StakeholderGroup.values if g != StakeholderGroup.INDIVIDUALS]
    issue_paper(consultation, paper, groups)
    when = start_of_day_london(paper.published_on or consultation.opens_on) + dt.timedelta(hours=9)
    Issue.objects.filter(paper_version=paper).update(issued_at=min(when, timezone.now()))


@transaction.atomic
def create_demo(stdout=None) -> None:
    today = timezone.localdate()
    paper_text = _seed_paper_text()

    if not Consultation.objects.filter(slug=OPEN_SLUG).exists():
        c = Consultation.objects.create(
            slug=OPEN_SLUG,
            is_demo=True,
            title="A framework for sector-led help for councils facing difficulties",
            summary="We are consulting council leaders and chief executives, regional "
            "partnerships, the inspectorates, government departments and anyone interested on a "
            "draft framework for local government led help for councils facing difficulties.",
            opens_on=today - dt.timedelta(days=14),
            closes_on=today + dt.timedelta(days=76),
            contact_officer="Programme manager, sector-led improvement (demo)",
        )
        paper = PaperVersion.objects.create(
            consultation=c,
            version=1,
            title="Sector Led Help – Consultation framework",
            body=_paper_for(c, paper_text),
            published_on=c.opens_on,
            attribution=ATTRIBUTION + ADAPTED,
        )
        _issue(c, paper)
        qs = _questions(c)
        _responses(c, qs, n=18, seed=7, campaign=0, late=0)
        _meetings(c, qs)
        c.meetings.filter(date__gt=today).update(title="Consultation meeting (scheduled, demo)")
        MeetingView.objects.filter(meeting__consultation=c, meeting__date__gt=today).delete()

    if not Consultation.objects.filter(slug=CLOSED_SLUG).exists():
        opens = today - dt.timedelta(days=200)
        c = Consultation.objects.create(
            slug=CLOSED_SLUG,
            is_demo=True,
            title="Sector-led help for councils facing difficulties: first round",
            summary="The first round of consultation on the draft framework (closed).",
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=90),
            contact_officer="Programme manager, sector-led improvement (demo)",
            report_published=True,
            responses_published=True,
            framework_published=True,
            framework_text=FRAMEWORK_TEXT,
        )
        first = PaperVersion.objects.create(
            consultation=c,
            version=1,
            title="Sector Led Help – Consultation framework (draft)",
            body=_paper_for(c, paper_text),
            published_on=opens,
            attribution=ATTRIBUTION + ADAPTED,
        )
        second = PaperVersion.objects.create(
            consultation=c,
            version=2,
            title="Sector Led Help – Consultation framework (revised after reference group)",
            body=_paper_for(c, paper_text),
            published_on=opens + dt.timedelta(days=7),
            attribution=ATTRIBUTION + ADAPTED,
        )
        _issue(c, first)
        _issue(c, second)
        qs = _questions(c)
        truth = _responses(c, qs, n=70, seed=11, campaign=12, late=3)
        _meetings(c, qs)
        _themes_from_demo(qs[6], COMMITMENTS, truth, coded=15)
        _themes_from_demo(qs[7], ANYTHING_ELSE, truth, coded=10)
        rows = [
            (
                "Time before intervention",
                "Write down a fixed period before intervention.",
                "The framework now sets an agreed period of sector-led support, normally six "
                "months, before the sector would support intervention.",
            ),
            (
                "Funding for improvement",
                "Small councils cannot pay for support.",
                "Peer support for district councils is funded from the national improvement "
                "budget.",
            ),
            (
                "Confusing architecture",
                "Councils don't know where to go first.",
                "Each region has a single front door, the regional partnership, named in the "
                "framework.",
            ),
            (
                "Shared early warning information",
                "Share early warning data sooner.",
                "An early warning dashboard is shared with regional partnerships in confidence.",
            ),
            (
                "Less inspection burden",
                "Inspectorates should co-ordinate their visits to a council in difficulty.",
                "Government and the inspectorates are asked to co-ordinate inspection visits while "
                "an agreed improvement plan is in place (section 4).",
            ),
            (
                "Peers are the strength",
                "Protect the accredited peers: they made the difference.",
                "Accredited member and officer peers are named as the heart of every package of "
                "support (section 2).",
            ),
            (
                "Partnerships and place",
                "The draft says too little about failures in partnerships across a place.",
                "Not changed in this framework: partnership failures will be part of the review a "
                "year after adoption (section 5).",
            ),
        ]
        for order, (theme_name, said, did) in enumerate(rows, start=1):
            FrameworkChange.objects.create(
                consultation=c,
                order=order,
                you_said=said,
                we_did=did,
                theme=Theme.objects.filter(question__consultation=c, name=theme_name).first(),
            )
    if stdout:
        stdout.write("   demo consultations ready (open and closed; responses labelled demo)\n")
