"""Who may see what: the one place web views, the API and exports ask.

The rules, once. Each row is a kind of record; each column a role (national = programme managers,
administrators and superusers); each cell a scope, defined below the table. Code reads this table
(`RULES`, parsed from this docstring); `apps/accounts/tests/test_rules_table.py` tests each cell.

    ==================  ========  ========  =========  ========  ========
    record              national  regional  council    peer      board
    ==================  ========  ========  =========  ========  ========
    case                all       region    consented  deployed  none
    case record         all       region    consented  deployed  none
    staff-only note     all       region    none       none      none
    soft intelligence   all       region    shared     none      none
    peer team           all       region    none       none      none
    peer register       all       all       none       own       none
    aggregates          national  scope     scope      scope     national
    ==================  ========  ========  =========  ========  ========

Scopes:
- all: every council's records. region: councils in the user's region (none if no region set).
- consented: the user's own council, only while the case's current cycle (since it was opened or
  last reopened) holds the council's consent; of a case's records (history, notes, audit) only
  those from that consent onwards. A reopened case starts a new cycle: consent must be given again.
- deployed: cases the peer is deployed to, from the deployment's start until its end date (on the
  end date access has gone); all of those cases' records except staff-only notes.
- shared: the user's own council, only records staff deliberately shared with the council.
- own: the user's own record. none: nothing, not even whether a record exists.
- national: figures over every case, never rows. scope: figures over the cases the user may open.
Whatever is not visible answers 404, exactly like a record that does not exist.
Every other app filters through `visible_cases` / `can_view_case` rather than writing its own rules.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from apps.accounts.models import Role, User

NATIONAL_ROLES = {Role.PROGRAMME_MANAGER, Role.ADMIN}
STAFF_ROLES = NATIONAL_ROLES | {Role.REGIONAL_ASSOCIATE}
COLUMNS = {
    Role.REGIONAL_ASSOCIATE: "regional",
    Role.COUNCIL_USER: "council",
    Role.PEER: "peer",
    Role.BOARD_MEMBER: "board",
}
NOTHING = Q(pk__in=[])


def _parse_rules(doc: str) -> dict[str, dict[str, str]]:
    """The table in this module's docstring as {record: {column: scope}}."""
    lines = [line.strip() for line in doc.splitlines()]
    rulers = [i for i, line in enumerate(lines) if re.fullmatch(r"=+( +=+)+", line)]
    header = lines[rulers[0] + 1].split()
    rules = {}
    cells = len(header) - 1
    for line in lines[rulers[1] + 1 : rulers[2]]:
        words = line.split()
        rules[" ".join(words[:-cells])] = dict(zip(header[1:], words[-cells:], strict=True))
    return rules


RULES = _parse_rules(__doc__ or "")


def is_national(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in NATIONAL_ROLES)


def column(user: User) -> str | None:
    """The user's column in the table (None for anonymous users: they see nothing)."""
    if not user.is_authenticated:
        return None
    return "national" if is_national(user) else COLUMNS.get(user.role)


def scope(user: User, record: str) -> str:
    """The user's scope for a kind of record, from the table ("none" if not signed in)."""
    col = column(user)
    return RULES[record][col] if col else "none"


def is_staff_role(user: User) -> bool:
    """Improvement staff: may record cases and soft intelligence within their scope."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def can_see_case_detail(user: User) -> bool:
    return user.is_authenticated and user.role != Role.BOARD_MEMBER


def can_see_aggregates(user: User) -> bool:
    return user.is_authenticated


def case_filter(
    user: User,
    record: str = "case",
    *,
    council_path: str = "council",
    deployed: Q | None = None,
    shared: Q | None = None,
) -> Q:
    """A Q that keeps only the rows of a kind of `record` (a row of the table) `user` may see.

    council_path: lookup from the record's model to its Council (e.g. "engagement__council").
    deployed: the owning app's Q for "the peer is deployed to this case now" (peers' scope).
    shared: the owning app's Q for "consented" or "shared" (council users' scope); without it a
    council user sees nothing: nothing about a council reaches it unless deliberately given.
    """
    rule = scope(user, record)
    if rule == "all":
        return Q()
    if rule == "region":
        return Q(**{f"{council_path}__region": user.region}) if user.region else NOTHING
    if rule in ("consented", "shared") and user.council_id and shared is not None:
        return Q(**{f"{council_path}_id": user.council_id}) & shared
    if rule == "deployed" and deployed is not None:
        return deployed
    return NOTHING


def visible_cases(
    queryset: QuerySet,
    user: User,
    record: str = "case",
    *,
    council_path: str = "council",
    deployed: Q | None = None,
    shared: Q | None = None,
) -> QuerySet:
    """`queryset` narrowed to the rows `user` may see (see `case_filter`)."""
    return queryset.filter(
        case_filter(user, record, council_path=council_path, deployed=deployed, shared=shared)
    )


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


def sees_national_aggregates(user: User) -> bool:
    """Board members and national staff see figures over every case (never the rows themselves);
    everyone else sees figures only over the cases they may open."""
    return scope(user, "aggregates") == "national"


def can_view_peer_register(user: User) -> bool:
    """The register of peers is personal data (party, availability): improvement staff only."""
    return scope(user, "peer register") == "all"


def can_view_peer(user: User, peer) -> bool:
    """Staff see every peer's record; a peer sees their own (the peer's linked user account)."""
    if can_view_peer_register(user):
        return True
    return (
        scope(user, "peer register") == "own"
        and peer.user_id is not None
        and peer.user_id == user.pk
    )


def sees_records_before_consent(user: User) -> bool:
    """Council users see their case's history, notes and audit only from the current cycle's
    consent onwards; everyone else who may see the case sees all of it."""
    return scope(user, "case record") != "consented"


def sees_staff_only_notes(user: User) -> bool:
    """Notes marked staff-only are for improvement staff in scope, not the council or peers."""
    return scope(user, "staff-only note") != "none"


def can_report_case_progress(user: User, council) -> bool:
    """May `user` report progress (RAG status, evidence, completion) on `council`'s improvement
    plan? Staff in scope, and the council's own users (the owning app also requires consent)."""
    if can_manage_council_cases(user, council):
        return True
    return (
        user.is_authenticated and user.role == Role.COUNCIL_USER and user.council_id == council.pk
    )
