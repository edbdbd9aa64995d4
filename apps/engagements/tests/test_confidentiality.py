"""Every role through the web pages, the API and the exports: refused access is 403 or 404,
never data, never a count that leaks a case."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

PAGES = ["detail", "audit"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visible_ids(people, who, cases) -> set[int]:
    expected = {
        "pm": {"croydon_live", "croydon_early", "slough", "hackney"},
        "ra_london": {"croydon_live", "croydon_early", "hackney"},
        "ra_se": {"slough"},
        "croydon": {"croydon_live"},  # not croydon_early: no consent yet
        "slough": {"slough"},
        "peer": {"croydon_live"},
        "other_peer": set(),
        "board": set(),
    }[who]
    return {getattr(cases, name).pk for name in expected}


ROLES = ["pm", "ra_london", "ra_se", "croydon", "slough", "peer", "other_peer", "board"]


@pytest.mark.parametrize("who", ROLES)
def test_api_list_and_detail_follow_the_rules(people, cases, token_for, who):
    user = getattr(people, who)
    headers = token_for(user)
    response = Client().get("/api/engagements/", **headers)
    expected = visible_ids(people, who, cases)
    if who == "board":
        assert response.status_code == 403
        assert "Croydon" not in response.content.decode()
    else:
        assert response.status_code == 200
        assert {row["id"] for row in response.json()} == expected
    for name in ("croydon_live", "croydon_early", "slough", "hackney"):
        pk = getattr(cases, name).pk
        for path in (
            f"/api/engagements/{pk}",
            f"/api/engagements/{pk}/audit",
            f"/api/engagements/{pk}/actions",
        ):
            got = Client().get(path, **headers)
            if pk in expected:
                assert got.status_code == 200, path
            else:
                assert got.status_code in (403, 404), path
                body = got.content.decode()
                assert "Croydon" not in body and "Slough" not in body


@pytest.mark.parametrize("who", ROLES)
def test_web_pages_follow_the_rules(people, cases, who):
    client = client_for(getattr(people, who))
    expected = visible_ids(people, who, cases)
    listing = client.get("/engagements/")
    if who == "board":
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        shown = {e.pk for e in listing.context["engagements"]}
        assert listing.context["total"] == len(expected)
        assert shown == expected
    for name in ("croydon_live", "croydon_early", "slough", "hackney"):
        engagement = getattr(cases, name)
        for page in (f"/engagements/{engagement.pk}/", f"/engagements/{engagement.pk}/audit/"):
            got = client.get(page)
            if engagement.pk in expected:
                assert got.status_code == 200
                assert engagement.title in got.content.decode()
            else:
                assert got.status_code in (403, 404)
                assert engagement.title not in got.content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_csv_and_xlsx_exports_follow_the_rules(people, cases, who):
    client = client_for(getattr(people, who))
    expected = visible_ids(people, who, cases)
    got_csv = client.get("/engagements/?format=csv")
    got_xlsx = client.get("/engagements/?format=xlsx")
    if who == "board":
        assert got_csv.status_code == 403 and got_xlsx.status_code == 403
        return
    rows = list(csv.DictReader(io.StringIO(got_csv.content.decode())))
    assert {int(r["Engagement id"]) for r in rows} == expected
    book = load_workbook(io.BytesIO(got_xlsx.content))
    sheet = book["Engagements"]
    ids = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert ids == expected
    action_ids = {
        row[0] for row in book["Improvement plan actions"].iter_rows(min_row=2, values_only=True)
    }
    assert action_ids <= expected


def test_council_user_filters_cannot_reveal_other_councils(people, cases):
    client = client_for(people.croydon)
    got = client.get("/engagements/?region=South+East&format=csv")
    assert got.content.decode().count("\n") == 1  # header only: no Slough, no count of it


def test_council_user_cannot_change_their_own_case(people, cases, token_for):
    pk = cases.croydon_live.pk
    got = Client().post(
        f"/api/engagements/{pk}/transitions",
        {"transition": "begin_review", "reason": "x", "data": {}},
        content_type="application/json",
        **token_for(people.croydon),
    )
    assert got.status_code == 403
    web = client_for(people.croydon).get(f"/engagements/{pk}/transitions/begin_review/")
    assert web.status_code == 403


def test_unauthenticated_gets_nothing(cases):
    assert Client().get("/api/engagements/").status_code == 401
    assert Client().get(f"/api/engagements/{cases.slough.pk}").status_code == 401
    web = Client().get(f"/engagements/{cases.slough.pk}/")
    assert web.status_code == 302 and "/accounts/sign-in/" in web["Location"]
    assert Client().get("/engagements/?format=csv").status_code == 302


def test_board_member_sees_aggregates_only(people, cases, token_for):
    client = client_for(people.board)
    page = client.get("/engagements/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    for case in (cases.croydon_live, cases.slough, cases.hackney):
        assert case.title not in body and case.council.name not in body
    assert "withheld" in body  # small counts suppressed
    figures = Client().get("/api/engagements/figures", **token_for(people.board)).json()
    assert figures["withheld"] and figures["by_state"]["identified"] is None
    assert "Croydon" not in str(figures)
    # no raw count beside a withheld one: every published count is 0 or at least 3
    published = [figures["total"], *figures["by_state"].values()]
    published += [r[k] for r in figures["by_region"] for k in ("open", "closed")]
    published += [r["engagements"] for r in figures["time_in_state"]]
    assert all(v is None or v == 0 or v >= 3 for v in published)


def test_board_figures_cannot_be_recovered_by_differencing(people, cases, token_for):
    """Try to work out each withheld count from the published state counts and total."""
    import pandas as pd

    from apps.core.disclosure import TOTAL, feasible_ranges

    figures = Client().get("/api/engagements/figures", **token_for(people.board)).json()
    row = dict(figures["by_state"])
    published = pd.DataFrame([{**row, TOTAL: figures["total"]}] * 2, index=["all", TOTAL])
    published = published.astype(object).where(published.notna(), None)
    ranges = feasible_ranges(published)
    assert ranges, "something is withheld in this small world"
    for cell, (_low, high) in ranges.items():
        assert high >= 3, f"{cell} could be worked out as small"


def test_council_user_figures_count_only_their_visible_cases(people, cases, token_for):
    figures = Client().get("/api/engagements/figures", **token_for(people.croydon)).json()
    assert figures["total"] == 1 and not figures["withheld"]


def test_council_user_sees_history_notes_and_audit_from_consent_onwards(people, cases, token_for):
    from apps.engagements import services

    e = cases.croydon_live
    first_note = services.add_note(e, by=people.ra_london, text="Internal: pre-consent worry")
    # backdate the note to before consent, as if written then
    from apps.engagements.models import Note

    consent_at = e.transitions.get(to_state="need_acknowledged").at
    Note.objects.filter(pk=first_note.pk).update(created_at=consent_at.replace(year=2020))
    services.add_note(e, by=people.ra_london, text="Shared: plan agreed")

    council = token_for(people.croydon)
    detail = Client().get(f"/api/engagements/{e.pk}", **council).json()
    assert [h["to_state"] for h in detail["history"]][0] == "need_acknowledged"
    notes = [n["text"] for n in Client().get(f"/api/engagements/{e.pk}/notes", **council).json()]
    assert notes == ["Shared: plan agreed"]
    trail = Client().get(f"/api/engagements/{e.pk}/audit", **council).json()
    assert trail[0]["verb"] == "transition" and trail[0]["after"]["state"] == "need_acknowledged"
    page = client_for(people.croydon).get(f"/engagements/{e.pk}/").content.decode()
    assert "pre-consent worry" not in page and "test start_conversation" not in page
    assert "Shared: plan agreed" in page

    staff = token_for(people.ra_london)
    full = Client().get(f"/api/engagements/{e.pk}", **staff).json()
    assert full["history"][0]["to_state"] == "identified"
    assert len(Client().get(f"/api/engagements/{e.pk}/notes", **staff).json()) == 2


def test_council_user_reports_progress_on_the_web(people, cases):
    action = cases.croydon_live.actions.get()
    client = client_for(people.croydon)
    form = client.get(f"/engagements/{cases.croydon_live.pk}/actions/{action.pk}/")
    assert form.status_code == 200 and "Report progress" in form.content.decode()
    assert "id_title" not in form.content.decode()
    done = client.post(
        f"/engagements/{cases.croydon_live.pk}/actions/{action.pk}/",
        {"rag": "green", "evidence": "Plan approved by cabinet", "completed_on": "", "reason": ""},
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.rag == "green" and action.evidence == "Plan approved by cabinet"
    assert client.get(f"/engagements/{cases.croydon_live.pk}/actions/new/").status_code == 403
    peer = client_for(people.peer)
    assert peer.get(f"/engagements/{cases.croydon_live.pk}/actions/{action.pk}/").status_code == 403


@pytest.mark.parametrize(
    "who, status",
    [("croydon", 200), ("peer", 200), ("slough", 404), ("ra_se", 404), ("board", 404)],
)
def test_plan_download_follows_the_rules(people, cases, who, status):
    client = client_for(getattr(people, who))
    for kind in ("csv", "xlsx"):
        got = client.get(f"/engagements/{cases.croydon_live.pk}/plan.{kind}")
        assert got.status_code == status
        if status == 200 and kind == "csv":
            assert "First action" in got.content.decode()


def test_a_reopened_case_needs_consent_again_before_the_council_reads_it(people, cases, token_for):
    """Consent -> decline -> reopen -> note -> escalate: the second cycle is not the council's."""
    from apps.engagements import services
    from apps.engagements.tests.conftest import walk

    case = walk(cases.slough, people.pm, "decline", "reopen")
    services.add_note(case, by=people.pm, text="A whistleblower, J. Smith, says")
    case = walk(case, people.pm, "escalate")
    council = token_for(people.slough)
    for path in ("", "/notes", "/audit"):
        got = Client().get(f"/api/engagements/{case.pk}{path}", **council)
        assert got.status_code == 404, path
        assert "J. Smith" not in got.content.decode()
    assert case.consent_date is None and case.decline_reason == ""
    web = client_for(people.slough)
    assert web.get(f"/engagements/{case.pk}/").status_code == 404
    assert case.pk not in {e.pk for e in web.get("/engagements/").context["engagements"]}
    assert (
        "J. Smith"
        in Client()
        .get(f"/api/engagements/{case.pk}/notes", **token_for(people.pm))
        .content.decode()
    )


def test_a_peer_loses_access_when_the_deployment_ends(people, cases, token_for):
    from apps.engagements import services

    case = cases.croydon_live
    headers = token_for(people.peer)
    assert Client().get(f"/api/engagements/{case.pk}", **headers).status_code == 200
    services.end_deployment(case.members.get(user=people.peer), by=people.pm)
    assert Client().get("/api/engagements/", **headers).json() == []
    refused = Client().post(
        f"/api/engagements/{case.pk}/notes",
        {"text": "still here"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 404
    assert not case.notes.filter(text="still here").exists()
    assert client_for(people.peer).get(f"/engagements/{case.pk}/").status_code == 404


def test_staff_only_notes_are_hidden_from_the_council_and_peers(people, cases, token_for):
    from apps.engagements import services

    case = cases.croydon_live
    services.add_note(case, by=people.ra_london, text="Staff view: weak S151", staff_only=True)
    for who in ("croydon", "peer"):
        user = getattr(people, who)
        for path in ("/notes", "/audit"):
            body = Client().get(f"/api/engagements/{case.pk}{path}", **token_for(user))
            assert body.status_code == 200 and "weak S151" not in body.content.decode()
        assert b"weak S151" not in client_for(user).get(f"/engagements/{case.pk}/").content
    staff = Client().get(f"/api/engagements/{case.pk}/notes", **token_for(people.ra_london))
    assert "weak S151" in staff.content.decode()
