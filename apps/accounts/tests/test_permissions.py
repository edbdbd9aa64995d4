"""The one place that decides who sees which council's confidential case data."""

import pytest
from django.db.models import Q

from apps.accounts import permissions
from apps.accounts.models import Role
from apps.councils.models import Council, NearestNeighbour

pytestmark = pytest.mark.django_db


@pytest.fixture
def croydon():
    return Council.objects.get(gss_code="E09000008")


@pytest.fixture
def slough():
    return Council.objects.get(gss_code="E06000039")


def test_programme_manager_sees_every_council(make_user, croydon, slough):
    user = make_user(role=Role.PROGRAMME_MANAGER)
    assert permissions.can_view_council_cases(user, croydon)
    assert permissions.can_view_council_cases(user, slough)
    assert permissions.case_filter(user) == Q()


def test_regional_associate_sees_only_their_region(make_user, croydon, slough):
    user = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    assert permissions.can_view_council_cases(user, croydon)
    assert not permissions.can_view_council_cases(user, slough)
    assert permissions.can_manage_council_cases(user, croydon)
    assert not permissions.can_manage_council_cases(user, slough)
    # Any model that reaches a council can be filtered; NearestNeighbour stands in for a case.
    visible = permissions.visible_cases(NearestNeighbour.objects.all(), user)
    assert visible.exists()
    assert set(visible.values_list("council__region", flat=True)) == {"London"}


def test_council_user_sees_only_their_own_council(make_user, croydon, slough):
    user = make_user(role=Role.COUNCIL_USER, council=croydon)
    assert permissions.can_view_council_cases(user, croydon)
    assert not permissions.can_view_council_cases(user, slough)
    assert not permissions.can_manage_council_cases(user, croydon)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.PEER])
def test_board_members_and_peers_see_no_council_case_by_council(make_user, role, croydon):
    user = make_user(role=role)
    assert not permissions.can_view_council_cases(user, croydon)
    assert permissions.case_filter(user) == Q(pk__in=[])


def test_board_members_never_see_case_detail_but_see_aggregates(make_user):
    board = make_user(role=Role.BOARD_MEMBER)
    assert not permissions.can_see_case_detail(board)
    assert permissions.can_see_aggregates(board)


def test_peer_sees_cases_through_the_deployment_path_only(make_user):
    peer = make_user(role=Role.PEER)
    deployed = Q(members__user=peer)
    assert permissions.case_filter(peer, deployed=deployed) == deployed
    assert permissions.case_filter(peer) == Q(pk__in=[])


def test_council_user_sees_nothing_not_deliberately_given(make_user, croydon):
    user = make_user(role=Role.COUNCIL_USER, council=croydon)
    assert permissions.case_filter(user) == Q(pk__in=[])
    given = Q(shared_with_council=True)
    assert permissions.case_filter(user, "soft intelligence", shared=given) == (
        Q(council_id=croydon.pk) & given
    )


def test_anonymous_sees_nothing(croydon):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not permissions.can_view_council_cases(anonymous, croydon)
    assert permissions.case_filter(anonymous) == Q(pk__in=[])


def test_database_refuses_a_council_user_without_a_council(make_user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(role=Role.COUNCIL_USER)


def test_demo_users_are_created_idempotently():
    from apps.accounts.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
    from apps.accounts.models import User

    ensure_demo_users()
    ensure_demo_users()
    assert User.objects.filter(username__in=[d.username for d in DEMO_USERS]).count() == 7
    croydon_user = User.objects.get(username="croydon")
    assert croydon_user.council.gss_code == "E09000008"
    assert croydon_user.check_password(DEMO_PASSWORD)
    assert {
        u.role for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    } == set(Role)


def test_demo_users_are_labelled_once_beside_their_name_not_in_it(client, make_user):
    from apps.accounts.demo import ensure_demo_users
    from apps.accounts.models import User

    ensure_demo_users()
    pm = User.objects.get(username="pm")
    assert pm.is_demo and "demo" not in pm.get_full_name().lower()
    client.force_login(pm)
    header = client.get("/").content.decode().split("</header>")[0]
    assert "Priya Manager" in header and header.count(">Demo</strong>") == 1
    someone = make_user(role=Role.BOARD_MEMBER, email="someone@example.org")
    assert not someone.is_demo
    client.force_login(someone)
    assert ">Demo</strong>" not in client.get("/").content.decode().split("</header>")[0]
