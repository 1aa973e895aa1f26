from __future__ import annotations

from ninja import Field, Schema


class QualificationOut(Schema):
    name: str
    number: str = ""
    issued_by: str = ""
    valid_until: str = ""


def _profile(obj):
    try:
        return obj.provider_profile
    except AttributeError:  # no profile yet (RelatedObjectDoesNotExist is an AttributeError)
        return None


class ProviderOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    province: str
    province_name: str
    city: str
    categories: list[str]
    is_recommended: bool
    ipc_fields: list[str]
    industry_fields: list[str]
    cases: int
    rating: float | None
    review_count: int

    @staticmethod
    def resolve_province_name(obj) -> str:
        return obj.province_display

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        profile = _profile(obj)
        return profile.categories if profile else []

    @staticmethod
    def resolve_is_recommended(obj) -> bool:
        profile = _profile(obj)
        return bool(profile and profile.is_recommended)

    @staticmethod
    def resolve_ipc_fields(obj) -> list[str]:
        profile = _profile(obj)
        return profile.ipc_fields if profile else []

    @staticmethod
    def resolve_industry_fields(obj) -> list[str]:
        profile = _profile(obj)
        return profile.industry_fields if profile else []

    @staticmethod
    def resolve_cases(obj) -> int:
        return obj.case_count

    @staticmethod
    def resolve_rating(obj) -> float | None:
        return round(obj.rating, 2) if obj.rating is not None else None


class PersonOut(Schema):
    name: str
    position: str
    role: str


class ProviderDetailOut(ProviderOut):
    services: str
    qualifications: list[QualificationOut]
    contact_name: str
    contact_phone: str
    contact_email: str
    recommendation_reason: str
    website: str
    people: list[PersonOut]

    @staticmethod
    def resolve_services(obj) -> str:
        return getattr(_profile(obj), "services", "")

    @staticmethod
    def resolve_qualifications(obj) -> list:
        return getattr(_profile(obj), "qualifications", [])

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return getattr(_profile(obj), "contact_name", "")

    @staticmethod
    def resolve_contact_phone(obj) -> str:
        return getattr(_profile(obj), "contact_phone", "")

    @staticmethod
    def resolve_contact_email(obj) -> str:
        return getattr(_profile(obj), "contact_email", "")

    @staticmethod
    def resolve_recommendation_reason(obj) -> str:
        profile = _profile(obj)
        return profile.recommendation_reason if profile and profile.is_recommended else ""

    @staticmethod
    def resolve_people(obj) -> list[dict]:
        return [
            {"name": m.user.get_full_name(), "position": m.position, "role": m.role}
            for m in getattr(obj, "people", [])
        ]


class FigureOut(Schema):
    value: float | None = Field(None, description="null below the minimum number of cases")
    cases: int


class PerformanceOut(Schema):
    cases: int
    enough_cases: bool
    min_cases: int
    grant_rate: FigureOut
    months_to_grant: FigureOut
    fee_ratio: FigureOut


class ReviewOut(Schema):
    id: int
    reviewer_institution: str
    rating: int
    comment: str
    created_at: str
    engagement: str = Field("", description="the filing: shown to the reviewing institution only")


class ReviewIn(Schema):
    filing: int = Field(..., description="id of a filing of your institution naming the provider")
    rating: int
    comment: str = ""


class RecommendationOut(Schema):
    slug: str
    name: str
    score: float
    reasons: list[str]
    is_recommended: bool
    cases: int
    rating: float | None
    review_count: int
