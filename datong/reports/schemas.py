"""API shapes of the annual report. Figures are strings where they are money or percentages
(Decimal, never float) and integers where they are counts."""

from ninja import Schema


class GroupOut(Schema):
    key: str
    label: str
    value: int | str | None


class IndicatorOut(Schema):
    code: str
    label: str
    definition: str
    kind: str
    unit: str | None
    value: int | str | None
    groups: list[GroupOut]
    columns: list[str]
    rows: list[dict]


class SectionOut(Schema):
    code: str
    number: int
    title: str
    narrative: str | None
    indicators: list[IndicatorOut]


class TemplateRef(Schema):
    code: str
    version: str


class ReportOut(Schema):
    institution: str
    year: int
    template: TemplateRef
    sections: list[SectionOut]


class CheckItemOut(Schema):
    label: str
    detail: str
    url: str


class CheckGroupOut(Schema):
    code: str
    title: str
    explanation: str
    items: list[CheckItemOut]


class CheckOut(Schema):
    institution: str
    year: int
    count: int
    groups: list[CheckGroupOut]


class NarrativeIn(Schema):
    text: str


class NarrativeOut(Schema):
    institution: str
    year: int
    section: str
    text: str


class TemplateIn(Schema):
    code: str = "annual"
    version: str
    effective_year: int
    title: str
    title_en: str = ""
    source: str = ""
    sections: list[dict]


class TemplateOut(Schema):
    id: int
    code: str
    version: str
    effective_year: int
    title: str
    title_en: str
    is_active: bool
