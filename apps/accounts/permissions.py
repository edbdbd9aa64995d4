"""Who may see what: the one place web views, the API and exports ask.

Case data (engagements, soft intelligence, improvement plans) is confidential per council:
- programme managers and admins see every council's cases;
- regional associates see cases of councils in their region;
- council users see only their own council's cases (apps may narrow further, e.g. from consent on);
- peers see only cases they are deployed to (the owning app supplies that path);
- board members see aggregate figures only, never case detail.
Every other app filters through `visible_cases` / `can_view_case` rather than writing its own rules.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from apps.accounts.models import Role, User

NATIONAL_ROLES = {Role.PROGRAMME_MANAGER, Role.ADMIN}
STAFF_ROLES = NATIONAL_ROLES | {Role.REGIONAL_ASSOCIATE}


def is_national(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in NATIONAL_ROLES)


def is_staff_role(user: User) -> bool:
    """Improvement staff: may record cases and soft intelligence within their scope."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def can_see_case_detail(user: User) -> bool:
    return user.is_authenticated and user.role != Role.BOARD_MEMBER


def can_see_aggregates(user: User) -> bool:
    return user.is_authenticated


def case_filter(user: User, *, council_path: str = "council", peer_path: str | None = None) -> Q:
    """A Q that keeps only the case rows `user` may see.

    council_path: lookup from the case model to its Council (e.g. "engagement__council").
    peer_path: lookup from the case model to the peer's User, for peers' deployments.
    """
    nothing = Q(pk__in=[])
    if not user.is_authenticated:
        return nothing
    if is_national(user):
        return Q()
    if user.role == Role.REGIONAL_ASSOCIATE:
        return Q(**{f"{council_path}__region": user.region}) if user.region else nothing
    if user.role == Role.COUNCIL_USER:
        return Q(**{f"{council_path}_id": user.council_id}) if user.council_id else nothing
    if user.role == Role.PEER and peer_path:
        return Q(**{peer_path: user})
    return nothing


def visible_cases(
    queryset: QuerySet, user: User, *, council_path: str = "council", peer_path: str | None = None
) -> QuerySet:
    return queryset.filter(case_filter(user, council_path=council_path, peer_path=peer_path))


def can_view_council_cases(user: User, council) -> bool:
    """May `user` see confidential case data about `council` at all (before per-case rules)?"""
    if not user.is_authenticated or not can_see_case_detail(user):
        return False
    if is_national(user):
        return True
    if user.role == Role.REGIONAL_ASSOCIATE:
        return bool(user.region) and council.region == user.region
    if user.role == Role.COUNCIL_USER:
        return user.council_id == council.pk
    return False


def can_manage_council_cases(user: User, council) -> bool:
    """May `user` create or change case records (staff within their scope)?"""
    if is_national(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.REGIONAL_ASSOCIATE
        and bool(user.region)
        and council.region == user.region
    )


def require(allowed: bool) -> None:
    """Raise 403 unless allowed; views and API handlers call this after their check."""
    if not allowed:
        raise PermissionDenied


def visible_cases_from_consent(
    queryset: QuerySet,
    user: User,
    *,
    council_path: str = "council",
    peer_path: str | None = None,
    consented: Q,
) -> QuerySet:
    """Like `visible_cases`, but council users see a case only once their council has consented
    (`consented` is the owning app's Q for that, e.g. a consent date is recorded)."""
    queryset = visible_cases(queryset, user, council_path=council_path, peer_path=peer_path)
    if user.is_authenticated and user.role == Role.COUNCIL_USER and not is_national(user):
        queryset = queryset.filter(consented)
    return queryset


def sees_national_aggregates(user: User) -> bool:
    """Board members and national staff see figures over every case (never the rows themselves);
    everyone else sees figures only over the cases they may open."""
    return user.is_authenticated and (is_national(user) or user.role == Role.BOARD_MEMBER)


def can_view_peer_register(user: User) -> bool:
    """The register of peers is personal data (party, availability): improvement staff only."""
    return is_staff_role(user)


def can_view_peer(user: User, peer) -> bool:
    """Staff see every peer's record; a peer sees their own (the peer's linked user account)."""
    if can_view_peer_register(user):
        return True
    return user.is_authenticated and peer.user_id is not None and peer.user_id == user.pk


def sees_records_before_consent(user: User) -> bool:
    """Council users see their case's history, notes and audit only from the council's consent
    onwards; everyone else who may see the case sees all of it."""
    return user.is_authenticated and (is_national(user) or user.role != Role.COUNCIL_USER)


def can_report_case_progress(user: User, council) -> bool:
    """May `user` report progress (RAG status, evidence, completion) on `council`'s improvement
    plan? Staff in scope, and the council's own users (the owning app also requires consent)."""
    if can_manage_council_cases(user, council):
        return True
    return (
        user.is_authenticated and user.role == Role.COUNCIL_USER and user.council_id == council.pk
    )
