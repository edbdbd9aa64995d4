from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from apps.councils.models import Council

router = Router(tags=["councils"])


class CouncilRef(Schema):
    gss_code: str
    name: str


class CouncilOut(Schema):
    gss_code: str
    code: str
    ecode: str
    name: str
    official_name: str
    council_type: str
    council_type_name: str
    region: str
    population: int | None
    latitude: float | None
    longitude: float | None
    start_date: str | None
    end_date: str | None

    @staticmethod
    def resolve_council_type_name(obj: Council) -> str:
        return obj.get_council_type_display()

    @staticmethod
    def resolve_start_date(obj: Council) -> str | None:
        return obj.start_date.isoformat() if obj.start_date else None

    @staticmethod
    def resolve_end_date(obj: Council) -> str | None:
        return obj.end_date.isoformat() if obj.end_date else None


class CouncilDetailOut(CouncilOut):
    nearest_neighbours: list[CouncilRef]
    replaced_by: list[CouncilRef]
    political_control: list[dict]

    @staticmethod
    def resolve_nearest_neighbours(obj: Council) -> list[Council]:
        return list(obj.nearest_neighbours())

    @staticmethod
    def resolve_replaced_by(obj: Council) -> list[Council]:
        return list(obj.replaced_by.all())

    @staticmethod
    def resolve_political_control(obj: Council) -> list[dict]:
        return [
            {
                "control": p.control,
                "valid_from": p.valid_from.isoformat(),
                "valid_to": p.valid_to.isoformat() if p.valid_to else None,
                "source": p.source,
            }
            for p in obj.political_control.all()
        ]


@router.get("/", response=list[CouncilOut], summary="List councils")
def list_councils(
    request,
    type: str | None = None,
    region: str | None = None,
    q: str | None = None,
    include_former: bool = False,
):
    """Filter by `type` (CTY, NMD, UA, MD, LBO, CC), `region` and free-text `q`."""
    councils = Council.objects.search(q or "").of_type(type).in_region(region)
    return councils if include_former else councils.current()


@router.get("/{gss_code}/", response=CouncilDetailOut, summary="One council")
def get_council(request, gss_code: str):
    return get_object_or_404(Council, gss_code=gss_code.upper())
