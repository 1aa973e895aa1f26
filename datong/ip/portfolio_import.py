"""Bulk import of a university's whole patent portfolio from an .xlsx or CSV export.

Exports from patent databases and agencies name their columns in many ways (``申请号``,
``专利名称``/``发明名称``, ``授权公告日``, ``法律状态``, ``主分类号``/``IPC`` …). The file is read
as headers + rows; :func:`guess_mapping` proposes which field each column holds, the user corrects
the mapping on the preview screen, and :func:`import_rows` checks every row before writing.

One row is one family: its Chinese filing (the application number is required and validated with
:func:`datong.ip.numbers.check_application_number`), foreign family members as further filings
(``US…``, ``EP…``, ``WO…``), the events that the dates and the legal-status text imply (filed,
published, examination, granted, lapsed …, licences, transfers and pledges so far, the annuity
paid), and the applicants as the open ownership period. The legal status is derived in memory with
:func:`datong.ip.services.derive_legal_status`, rows are written with ``bulk_create`` in batches,
and the import as a whole leaves one ``ip.import`` audit entry.

Use::

    table = read_table(path_or_upload, filename)          # Table: headers + raw rows
    mapping = guess_mapping(table.headers)                # {column index: field}
    rows = table.rows_for(mapping)                        # RowSet for the checks
    summary = import_rows(actor, institution, rows)       # all or nothing (or valid_only=True)

Imported filings get no docket tasks or annuity rows here (no per-row services run); the docket
and the annuity schedule are refreshed by their own modules.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require_staff
from datong.institutions.models import Institution, InstitutionKind
from datong.results.importer import (
    XLSX_TYPE,  # noqa: F401  (re-exported for the views)
    Problem,
    _csv_records,
    _is_empty,
    _key,
    _text,
    _xlsx_records,
    errors_workbook,  # noqa: F401  (re-exported for the views)
)
from datong.results.models import Result

from .models import EventKind, Filing, FilingEvent, IPFamily, OwnershipPeriod, Route
from .numbers import check_application_number, normalise_ipc
from .services import derive_legal_status
from .tasks import refresh_filings_later
from .terms import add_years

AUDIT_ACTION = "ip.import"
MAX_ROWS = 200_000
MAX_BYTES = 60 * 1024 * 1024
BATCH = 2000
PREVIEW_ROWS = 10
#: At most this many events of one kind (licences, transfers, pledges) per row.
MAX_DEALS = 99
IGNORE = ""


# --- the fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PatentField:
    name: str
    header: str  # the Chinese header of the template
    label: str  # English label
    required: bool
    note: str
    note_en: str
    example: str
    aliases: tuple[str, ...] = ()


FIELDS: tuple[PatentField, ...] = (
    PatentField(
        "application_number",
        "申请号",
        "Application number",
        True,
        "中国申请号，可带或不带 CN/ZL、空格和小数点；校验位必须正确。",
        "The Chinese application number, with or without CN/ZL, spaces and the dot; the check "
        "character must be right.",
        "202210123456.X",
        ("申请号码", "专利申请号", "专利号", "申请专利号", "appln no", "application no", "an"),
    ),
    PatentField(
        "title",
        "专利名称",
        "Title",
        True,
        "必填，最多300字。",
        "Required, at most 300 characters.",
        "一种锂硫电池正极材料及其制备方法",
        ("发明名称", "名称", "标题", "专利标题", "发明创造名称", "title of invention"),
    ),
    PatentField(
        "ip_type",
        "专利类型",
        "Patent type",
        False,
        "发明 / 实用新型 / 外观设计；留空时按申请号的类型位判断。",
        "Invention, utility model or design; left empty, the number's type digit decides.",
        "发明",
        ("类型", "申请类型", "专利种类", "种类", "type", "kind", "ip type", "专利类别"),
    ),
    PatentField(
        "filing_date",
        "申请日",
        "Filing date",
        True,
        "YYYY-MM-DD（也接受 2021/3/1、20210301）。",
        "YYYY-MM-DD (2021/3/1 and 20210301 are read too).",
        "2022-03-01",
        ("申请日期", "申请时间", "filing date", "application date"),
    ),
    PatentField(
        "priority_date",
        "优先权日",
        "Priority date",
        False,
        "最早优先权日，不晚于申请日。",
        "The earliest priority date, not after the filing date.",
        "2021-09-15",
        ("最早优先权日", "优先权日期", "priority"),
    ),
    PatentField(
        "publication_number",
        "公开号",
        "Publication number",
        False,
        "公开（公告）号。",
        "The publication number.",
        "CN114512345A",
        ("公开(公告)号", "公开公告号", "公告号", "公布号", "publication no"),
    ),
    PatentField(
        "publication_date",
        "公开日",
        "Publication date",
        False,
        "公开（公告）日。",
        "The publication date.",
        "2022-05-20",
        ("公开(公告)日", "公开公告日", "公布日", "公开日期"),
    ),
    PatentField(
        "grant_date",
        "授权公告日",
        "Grant date",
        False,
        "授权公告日；已授权的专利必填。",
        "The date the grant was published; required for granted patents.",
        "2024-01-09",
        ("授权日", "授权日期", "授权公告日期", "grant date"),
    ),
    PatentField(
        "legal_status",
        "法律状态",
        "Legal status",
        False,
        "如：授权、有权、实质审查、公开、驳回、视为撤回、未缴年费专利权终止、无效、期限届满；"
        "多个事件用分号分隔。",
        "E.g. 授权 (granted), 实质审查 (examination), 公开 (published), 驳回 (rejected), 撤回 "
        "(withdrawn), 未缴年费终止 (lapsed), 无效 (invalidated), 届满 (expired); several events "
        "separated by semicolons.",
        "授权",
        ("当前法律状态", "专利状态", "法律状态/事件", "法律事件", "状态", "legal status", "status"),
    ),
    PatentField(
        "status_date",
        "法律状态公告日",
        "Status date",
        False,
        "最近一次法律状态（如终止、驳回）的日期；留空时按年费缴至日或导入当天记。",
        "The date of the latest status event (lapse, rejection …); left empty, the annuity "
        "paid-until date or the day of the import is used.",
        "2024-03-01",
        ("法律状态日", "法律状态日期", "失效日", "失效日期", "终止日", "status date"),
    ),
    PatentField(
        "ipc_codes",
        "IPC分类号",
        "IPC codes",
        False,
        "主分类号在前，多个用分号分隔。",
        "The main class first; several separated by semicolons.",
        "H01M 4/38; H01M 10/052",
        ("ipc", "主分类号", "分类号", "国际专利分类", "ipc主分类", "ipc分类", "ipc codes"),
    ),
    PatentField(
        "applicants",
        "申请人",
        "Applicants",
        False,
        "申请人（专利权人），多个用分号分隔，份额均分。",
        "Applicants or holders, separated by semicolons; the shares are split equally.",
        "京北理工大学;某某科技有限公司",
        ("专利权人", "当前专利权人", "权利人", "申请(专利权)人", "申请人/专利权人", "applicant"),
    ),
    PatentField(
        "inventors",
        "发明人",
        "Inventors",
        False,
        "多个用分号分隔。",
        "Separated by semicolons.",
        "张三;李四",
        ("设计人", "发明(设计)人", "发明人/设计人", "inventor"),
    ),
    PatentField(
        "claims_count",
        "权利要求数",
        "Claims",
        False,
        "整数。",
        "A whole number.",
        "10",
        ("权利要求项数", "权项数", "权利要求数量", "claims"),
    ),
    PatentField(
        "independent_claims",
        "独立权利要求数",
        "Independent claims",
        False,
        "整数，不多于权利要求数。",
        "A whole number, not more than the claims.",
        "2",
        ("独权数", "独立权项数", "独立权利要求", "independent claims"),
    ),
    PatentField(
        "family_members",
        "同族专利",
        "Family members",
        False,
        "同族公开号或申请号，多个用分号分隔；前两位字母为国家/地区代码（CN 以外的计为海外同族）。",
        "Family members' numbers separated by semicolons; the two leading letters give the "
        "country (members outside CN count as overseas).",
        "US2023123456A1;EP4123456A1;WO2023012345A1",
        ("同族", "简单同族", "同族公开号", "扩展同族", "family"),
    ),
    PatentField(
        "family_countries",
        "同族国家",
        "Family countries",
        False,
        "国家/地区代码，多个用分号分隔。",
        "Country or office codes separated by semicolons.",
        "US;EP;JP",
        ("同族国家/地区", "同族国家地区", "family countries"),
    ),
    PatentField(
        "forward_citations",
        "被引用次数",
        "Forward citations",
        False,
        "整数。",
        "A whole number.",
        "5",
        ("被引证次数", "被引次数", "被引用", "引用次数", "forward citations", "cited by"),
    ),
    PatentField(
        "agency",
        "代理机构",
        "Agency",
        False,
        "与机构名录中的服务机构名称一致时关联；否则只提示。",
        "Linked when it equals the name of a service provider of the directory; otherwise noted.",
        "北京某某专利代理事务所",
        ("专利代理机构", "代理机构名称", "agency"),
    ),
    PatentField(
        "attorney",
        "代理人",
        "Attorney",
        False,
        "最多100字。",
        "At most 100 characters.",
        "王静",
        ("专利代理人", "代理师", "attorney"),
    ),
    PatentField(
        "licences",
        "许可次数",
        "Licences",
        False,
        "迄今许可次数。",
        "Licences so far.",
        "1",
        ("许可", "许可数", "licences", "licenses"),
    ),
    PatentField(
        "transfers",
        "转让次数",
        "Transfers",
        False,
        "迄今转让次数。",
        "Transfers so far.",
        "0",
        ("转让", "转让数", "权利转移次数", "transfers"),
    ),
    PatentField(
        "pledges",
        "质押次数",
        "Pledges",
        False,
        "迄今质押次数。",
        "Pledges so far.",
        "0",
        ("质押", "质押数", "pledges"),
    ),
    PatentField(
        "pledge_amount",
        "质押金额（万元）",
        "Pledge amount (10k yuan)",
        False,
        "质押融资金额，单位万元。",
        "The pledge financing, in 10 000 yuan.",
        "500",
        ("质押金额", "质押融资金额", "pledge amount"),
    ),
    PatentField(
        "paid_until",
        "年费缴至",
        "Annuity paid until",
        False,
        "年费已缴纳至的日期。",
        "The date up to which the annuity is paid.",
        "2026-03-01",
        ("年费缴纳至", "年费已缴至", "缴费截止日", "年费有效期至", "paid until"),
    ),
    PatentField(
        "result",
        "成果编号",
        "Result number",
        False,
        "本单位已登记成果的编号，用于关联行业与战新产业。",
        "The number of a registered result of the institution (links industry and SEI).",
        "R2024-00012",
        ("关联成果", "成果号", "result"),
    ),
)
FIELD = {f.name: f for f in FIELDS}
FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)

HEADER_ALIASES: dict[str, str] = {}
for _field in FIELDS:
    for _alias in (_field.header, _field.name, _field.label, *_field.aliases):
        HEADER_ALIASES.setdefault(_key(_alias), _field.name)


def field_for_header(header) -> str | None:
    """The field a column header most likely holds (None: no guess)."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().rstrip("*＊ ")
    if not text:
        return None
    candidates = [text, re.sub(r"[(\[【].*?[)\]】]", "", text)]
    candidates += re.findall(r"[(\[【](.*?)[)\]】]", text)
    candidates += [p for p in re.split(r"[\s|/\n]+", text) if p]
    for candidate in candidates:
        found = HEADER_ALIASES.get(_key(candidate))
        if found:
            return found
    return None


def guess_mapping(headers: Iterable) -> dict[int, str]:
    """``{column index: field}`` for the columns whose header names a field; the first column
    naming a field wins (a second ``分类号`` column is left unmapped)."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = field_for_header(header)
        if name and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def mapping_problems(mapping: dict[int, str], headers: list[str]) -> list[Problem]:
    """A field mapped twice, or a required field not mapped: problems of the file itself."""
    problems = []
    seen: dict[str, int] = {}
    for index, name in sorted(mapping.items()):
        if not name:
            continue
        if name not in FIELD:
            problems.append(Problem(1, headers[index], _("Unknown field “%(f)s”.") % {"f": name}))
        elif name in seen:
            problems.append(
                Problem(
                    1,
                    headers[index],
                    _("The field “%(field)s” is given to two columns.")
                    % {"field": FIELD[name].header},
                )
            )
        else:
            seen[name] = index
    for name in REQUIRED:
        if name not in seen:
            problems.append(
                Problem(
                    1,
                    FIELD[name].header,
                    _("No column is mapped to “%(field)s”, which is required.")
                    % {"field": FIELD[name].header},
                )
            )
    return problems


# --- reading ------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, Any]


class RowSet(list):
    """Rows keyed by field, with the file's header for each field and the mapping problems."""

    def __init__(self, rows=(), *, headers=None, problems=None, filename=""):
        super().__init__(rows)
        self.headers: dict[str, str] = headers or {}
        self.problems: list[Problem] = problems or []
        self.filename = filename


@dataclass
class Table:
    """A file as read: its header row and the raw data rows (with spreadsheet row numbers)."""

    headers: list[str]
    records: list[tuple[int, list]]
    filename: str = ""

    def preview(self, count: int = PREVIEW_ROWS) -> list[list[str]]:
        return [
            [_text(v) for v in (values + [None] * (len(self.headers) - len(values)))][
                : len(self.headers)
            ]
            for _number, values in self.records[:count]
        ]

    def rows_for(self, mapping: dict[int, str]) -> RowSet:
        mapping = {int(i): n for i, n in mapping.items() if n and int(i) < len(self.headers)}
        problems = mapping_problems(mapping, self.headers)
        headers = {name: self.headers[i] for i, name in mapping.items()}
        rows = []
        items = list(mapping.items())
        first = True
        for number, values in self.records:
            size = len(values)
            cells = {name: (values[i] if i < size else None) for i, name in items}
            if first:
                first = False
                # The template's second row repeats the field names: skip it.
                if all(v in (None, "") or _key(v) == _key(n) for n, v in cells.items()):
                    continue
            rows.append(Row(number, cells))
        return RowSet(rows, headers=headers, problems=problems, filename=self.filename)


def read_table(source, filename: str | None = None) -> Table:
    """Read the first sheet of an .xlsx workbook or a CSV file (UTF-8 or GB18030)."""
    if isinstance(source, str | Path):
        path = Path(source)
        filename = filename or path.name
        data = path.read_bytes()
    else:
        filename = filename or getattr(source, "name", "") or ""
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("A file may be at most %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    name = Path(filename).name
    extension = Path(name).suffix.lower()
    if extension in (".xls", ".et", ".ods", ".numbers"):
        raise ValidationError(_("Save the file as an Excel workbook (.xlsx) or CSV first."))
    if extension == ".xlsx" or (extension != ".csv" and data.startswith(b"PK\x03\x04")):
        records = _xlsx_records(data)
    elif extension in (".csv", ".txt", ""):
        records = _csv_records(data)
    else:
        raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    header = None
    rows: list[tuple[int, list]] = []
    for number, values in records:
        if _is_empty(values):
            continue
        if header is None:
            header = values
            continue
        rows.append((number, list(values)))
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                _("A file may hold at most %(count)d rows; split it into several files.")
                % {"count": MAX_ROWS}
            )
    if header is None:
        raise ValidationError(_("The file holds no rows."))
    headers = [
        (str(h).replace("\n", " ").strip() if h is not None else "") or f"#{i + 1}"
        for i, h in enumerate(header)
    ]
    while (
        headers
        and headers[-1].startswith("#")
        and all(len(v) < len(headers) or v[len(headers) - 1] in (None, "") for _n, v in rows[:50])
    ):
        headers.pop()  # trailing columns without a header and (visibly) without data
    return Table(headers, rows, name)


def read_rows(source, filename: str | None = None, mapping: dict[int, str] | None = None) -> RowSet:
    """Read a file and map its columns (``mapping`` or the guess)."""
    table = read_table(source, filename)
    return table.rows_for(mapping if mapping is not None else guess_mapping(table.headers))


# --- values -------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_SPLIT = re.compile(r"[;；,，、|\n]+")
IP_TYPES = {
    "invention": ("invention_patent", "invention"),
    "utility_model": ("utility_model", "utility_model"),
    "design": ("design", "design"),
}
IP_TYPE_WORDS = {
    "发明": "invention",
    "发明专利": "invention",
    "发明申请": "invention",
    "发明授权": "invention",
    "invention": "invention",
    "inventionpatent": "invention",
    "1": "invention",
    "实用新型": "utility_model",
    "实用新型专利": "utility_model",
    "实用": "utility_model",
    "utilitymodel": "utility_model",
    "2": "utility_model",
    "外观设计": "design",
    "外观": "design",
    "外观设计专利": "design",
    "design": "design",
    "3": "design",
}
#: Legal-status words (checked in this order; the first matching meaning of each part counts).
STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("无效", "invalidated"),
    ("invalid", "invalidated"),
    ("驳回", "rejected"),
    ("reject", "rejected"),
    ("撤回", "withdrawn"),
    ("withdraw", "withdrawn"),
    ("放弃", "abandoned"),
    ("abandon", "abandoned"),
    ("届满", "expired"),
    ("expire", "expired"),
    ("未缴", "lapsed"),
    ("终止", "lapsed"),
    ("失效", "lapsed"),
    ("lapse", "lapsed"),
    ("恢复", "restored"),
    ("restor", "restored"),
    ("授权", "granted"),
    ("有权", "granted"),
    ("维持", "granted"),
    ("有效", "granted"),
    ("grant", "granted"),
    ("inforce", "granted"),
    ("实质审查", "examination"),
    ("实审", "examination"),
    ("审查", "examination"),
    ("exam", "examination"),
    ("公开", "published"),
    ("公布", "published"),
    ("publish", "published"),
    ("审中", "pending"),
    ("申请中", "pending"),
    ("受理", "pending"),
    ("pending", "pending"),
)


def parse_date(value) -> dt.date | None:
    """A date cell: a date, ``2021-03-01``, ``2021/3/1``, ``2021.03.01``, ``2021年3月1日``,
    ``20210301`` or an Excel serial number. Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 29991231:
            return dt.date(number // 10000, number // 100 % 100, number % 100)
        if 1 <= number <= 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=number)
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def _whole(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text))
    raise ValueError(text)


def status_meanings(text: str) -> list[str]:
    """The meanings of a legal-status text, one per part (``授权；未缴年费终止`` → granted,
    lapsed); raises ValueError when a part means nothing known."""
    meanings = []
    for part in re.split(r"[;；,，、|/\n]+", unicodedata.normalize("NFKC", text).lower()):
        part = re.sub(r"\s+", "", part)
        if not part:
            continue
        meaning = next((m for word, m in STATUS_WORDS if word in part), None)
        if meaning is None:
            raise ValueError(part)
        meanings.append(meaning)
    return meanings


def _country_of(token: str) -> tuple[str, str] | None:
    """``US2023123456A1`` → (``US``, the number); ``EP`` → (``EP``, ""); None when unreadable."""
    token = unicodedata.normalize("NFKC", token).strip().upper().replace(" ", "")
    match = re.fullmatch(r"([A-Z]{2,4})([0-9A-Z./\-]*)", token)
    if not match:
        return None
    country, number = match.groups()
    if number and not any(c.isdigit() for c in number):
        return None
    return country[:2] if number else country, token if number else ""


def foreign_route(country: str) -> str:
    return {"WO": Route.PCT, "EP": Route.EP, "HK": Route.HK}.get(country, Route.PARIS)


# --- checking -----------------------------------------------------------------------------


@dataclass
class Prepared:
    row: int
    family: dict
    filing: dict
    events: list[tuple[str, dt.date, str]]
    members: list[tuple[str, str]]  # foreign members: (country, number)
    holders: list[dict]


@dataclass
class ImportSummary:
    total: int = 0
    valid: int = 0
    invalid: int = 0
    imported: int = 0
    filings: int = 0
    events: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    valid_only: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Checker:
    def __init__(self, institution: Institution, headers: dict[str, str]):
        self.institution = institution
        self.headers = headers
        self.today = timezone.localdate()
        self.existing = set(
            Filing.objects.filter(country="CN")
            .exclude(application_number="")
            .values_list("application_number", flat=True)
        )
        self.agencies: dict[str, int] = {}
        for pk, name, short, name_en in Institution.objects.filter(
            kind=InstitutionKind.SERVICE_PROVIDER
        ).values_list("pk", "name", "short_name", "name_en"):
            for text in (name, short, name_en):
                if text:
                    self.agencies.setdefault(_key(text), pk)
        self.results = dict(
            Result.objects.filter(institution=institution).values_list("number", "pk")
        )
        self.own_names = {
            _key(t): institution.pk
            for t in (institution.name, institution.name_en, institution.short_name)
            if t
        }
        self.in_file: dict[str, int] = {}
        self.unknown_agencies: dict[str, list[int]] = {}

    def column(self, name: str) -> str:
        return self.headers.get(name) or FIELD[name].header

    def _date(self, values, name, errors) -> dt.date | None:
        try:
            day = parse_date(values.get(name))
        except (ValueError, TypeError, OverflowError):
            errors[name] = _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {
                "value": _text(values.get(name))
            }
            return None
        if day is not None and day > self.today:
            errors[name] = _("The date %(date)s is in the future.") % {"date": day.isoformat()}
            return None
        return day

    def _count(self, values, name, errors, limit=None) -> int | None:
        try:
            number = _whole(values.get(name))
        except (ValueError, TypeError):
            errors[name] = _("A whole number, zero or more.")
            return None
        if number is not None and limit is not None and number > limit:
            errors[name] = _("At most %(limit)d.") % {"limit": limit}
            return None
        return number

    def row(self, row: Row) -> tuple[Prepared | None, list[Problem]]:
        values = row.values
        errors: dict[str, str] = {}
        # number and kind
        raw_number = _text(values.get("application_number"))
        number, number_kind = "", None
        if not raw_number:
            errors["application_number"] = _("The application number is required.")
        else:
            check = check_application_number(raw_number)
            if not check.valid:
                errors["application_number"] = check.message
            else:
                number, number_kind = check.normalised, check.kind
                if number in self.existing:
                    errors["application_number"] = _(
                        "The application number %(number)s is already registered."
                    ) % {"number": number}
                elif number in self.in_file:
                    errors["application_number"] = _(
                        "The application number %(number)s is also in row %(row)d."
                    ) % {"number": number, "row": self.in_file[number]}
                else:
                    self.in_file[number] = row.number
        base = {"pct_invention": "invention", "pct_utility_model": "utility_model"}.get(
            number_kind or "", number_kind
        )
        type_text = _text(values.get("ip_type"))
        stated = None
        if type_text:
            stated = IP_TYPE_WORDS.get(_key(type_text)) or next(
                (v for k, v in IP_TYPE_WORDS.items() if len(k) > 1 and k in _key(type_text)),
                None,
            )
            if stated is None:
                errors["ip_type"] = _(
                    "“%(value)s” is not a patent type (发明, 实用新型 or 外观设计)."
                ) % {"value": type_text}
            elif base and stated != base:
                errors["ip_type"] = _("The application number says %(kind)s, not %(given)s.") % {
                    "kind": base,
                    "given": stated,
                }
        ip_key = stated or base
        title = _text(values.get("title"))
        if not title:
            errors["title"] = _("The title is required.")
        elif len(title) > 300:
            errors["title"] = _("At most %(limit)d characters (this has %(length)d).") % {
                "limit": 300,
                "length": len(title),
            }
        filing_date = self._date(values, "filing_date", errors)
        if filing_date is None and "filing_date" not in errors:
            errors["filing_date"] = _("The filing date is required.")
        priority_date = self._date(values, "priority_date", errors)
        if priority_date and filing_date and priority_date > filing_date:
            errors["priority_date"] = _("The priority date cannot be after the filing date.")
        publication_date = self._date(values, "publication_date", errors)
        grant_date = self._date(values, "grant_date", errors)
        status_date = self._date(values, "status_date", errors)
        try:
            paid_until = parse_date(values.get("paid_until"))
        except (ValueError, TypeError, OverflowError):
            errors["paid_until"] = _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {
                "value": _text(values.get("paid_until"))
            }
            paid_until = None
        for name, day in (
            ("publication_date", publication_date),
            ("grant_date", grant_date),
            ("status_date", status_date),
        ):
            if day and filing_date and day < filing_date and name not in errors:
                errors[name] = _("The date cannot be before the filing date.")
        # IPC
        codes, bad = [], []
        for item in _SPLIT.split(_text(values.get("ipc_codes"))):
            if item.strip():
                code = normalise_ipc(item)
                (codes if code else bad).append(code or item.strip())
        if bad:
            errors["ipc_codes"] = _("Not an IPC code: %(codes)s (write e.g. H01M 10/052).") % {
                "codes": ", ".join(bad[:5])
            }
        claims = self._count(values, "claims_count", errors, 32767)
        independent = self._count(values, "independent_claims", errors, 32767)
        if claims is not None and independent is not None and independent > claims:
            errors["independent_claims"] = _("There cannot be more independent claims than claims.")
        citations = self._count(values, "forward_citations", errors)
        licences = self._count(values, "licences", errors, MAX_DEALS) or 0
        transfers = self._count(values, "transfers", errors, MAX_DEALS) or 0
        pledges = self._count(values, "pledges", errors, MAX_DEALS) or 0
        pledge_amount = None
        if text := _text(values.get("pledge_amount")):
            try:
                pledge_amount = Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
                if pledge_amount < 0:
                    raise InvalidOperation
                pledges = max(pledges, 1)
            except InvalidOperation:
                errors["pledge_amount"] = _("The amount is a number of 10 000 yuan.")
        # family members
        members: list[tuple[str, str]] = []
        seen = {("CN", "")}
        bad = []
        for name in ("family_members", "family_countries"):
            for token in _SPLIT.split(_text(values.get(name)).replace(" ", ";")):
                if not token.strip():
                    continue
                found = _country_of(token)
                if found is None:
                    bad.append(token.strip())
                    continue
                country, member = found
                if country == "CN" or (country, member) in seen:
                    continue
                if not member and any(c == country for c, _m in members):
                    continue
                if member and (country, "") in seen:
                    members = [(c, m) for c, m in members if not (c == country and not m)]
                seen.add((country, member))
                members.append((country, member[:40]))
            if bad:
                errors[name] = _("Not a country code or a family member's number: %(v)s.") % {
                    "v": ", ".join(bad[:5])
                }
                bad = []
        # holders, inventors, agency, result
        names = [n.strip() for n in _SPLIT.split(_text(values.get("applicants"))) if n.strip()]
        holders = []
        if names:
            names = list(dict.fromkeys(names))[:20]
            each = (Decimal("100") / len(names)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            first = Decimal("100") - each * (len(names) - 1)
            for index, name in enumerate(names):
                holders.append(
                    {
                        "name": name[:200],
                        "institution": self.own_names.get(_key(name)),
                        "share": f"{first if index == 0 else each:.2f}",
                    }
                )
        inventors = [n.strip()[:100] for n in _SPLIT.split(_text(values.get("inventors")))]
        inventors = list(dict.fromkeys(n for n in inventors if n))
        agency = None
        if agency_name := _text(values.get("agency")):
            agency = self.agencies.get(_key(agency_name))
            if agency is None:
                self.unknown_agencies.setdefault(agency_name, []).append(row.number)
        attorney = _text(values.get("attorney"))
        if len(attorney) > 100:
            errors["attorney"] = _("At most %(limit)d characters (this has %(length)d).") % {
                "limit": 100,
                "length": len(attorney),
            }
        result_id = None
        if result_number := _text(values.get("result")):
            result_id = self.results.get(result_number)
            if result_id is None:
                errors["result"] = _("There is no result %(number)s in this institution.") % {
                    "number": result_number
                }
        publication_number = _text(values.get("publication_number"))[:40]
        # legal status → events
        try:
            meanings = status_meanings(_text(values.get("legal_status")))
        except ValueError as exc:
            errors["legal_status"] = _(
                "Unknown legal status “%(value)s”: use e.g. 授权, 实质审查, 公开, 驳回, 撤回, "
                "未缴年费终止, 无效, 届满."
            ) % {"value": exc.args[0]}
            meanings = []
        if "granted" in meanings and grant_date is None and "grant_date" not in errors:
            errors["grant_date"] = _("The legal status says granted: give the grant date.")
        if ip_key is None and "application_number" not in errors and "ip_type" not in errors:
            errors["ip_type"] = _("Give the patent type.")
        if errors:
            problems = [
                Problem(row.number, self.column(name), errors[name])
                for name in FIELD_NAMES
                if name in errors
            ]
            return None, problems
        events: list[tuple[str, dt.date, str]] = [(EventKind.FILED, filing_date, "")]
        if publication_date:
            events.append((EventKind.PUBLISHED, publication_date, publication_number))
        elif "published" in meanings or "examination" in meanings:
            events.append((EventKind.PUBLISHED, filing_date, publication_number))
        if "examination" in meanings:
            events.append((EventKind.EXAM_REQUESTED, status_date or filing_date, ""))
        if grant_date:
            events.append((EventKind.GRANTED, grant_date, ""))
        late = grant_date or filing_date
        if status_date is None and paid_until and late <= paid_until <= self.today:
            end_day = paid_until
        else:
            end_day = status_date or self.today
        terminal = None
        for meaning in meanings:
            if meaning in ("invalidated", "rejected", "withdrawn"):
                terminal = meaning
            elif meaning in ("lapsed", "abandoned"):
                terminal = EventKind.LAPSED if grant_date else EventKind.WITHDRAWN
            elif meaning == "restored" and terminal == EventKind.LAPSED:
                terminal = None
        if terminal:
            events.append(
                (terminal, end_day, _("date not given in the file") if not status_date else "")
            )
        deal_day = grant_date or filing_date
        for kind, count in (
            (EventKind.LICENSED, licences),
            (EventKind.ASSIGNED, transfers),
            (EventKind.PLEDGED, pledges),
        ):
            for index in range(count):
                note = ""
                if kind == EventKind.PLEDGED and index == 0 and pledge_amount is not None:
                    note = f"质押金额 {pledge_amount} 万元"
                events.append((kind, deal_day, note))
        if paid_until and grant_date:
            paid_day = min(max(add_years(paid_until, -1), grant_date), self.today)
            events.append((EventKind.RENEWAL_PAID, paid_day, f"年费缴至 {paid_until.isoformat()}"))
        ip_type, kind = IP_TYPES[ip_key]
        if number_kind in ("pct_invention", "pct_utility_model"):
            kind = number_kind
        return (
            Prepared(
                row.number,
                {
                    "title": title,
                    "ip_type": ip_type,
                    "ipc_codes": list(dict.fromkeys(codes)),
                    "inventors": inventors,
                    "claims_count": claims,
                    "independent_claims": independent,
                    "forward_citations": citations,
                    "result_id": result_id,
                },
                {
                    "route": Route.NATIONAL_PHASE if kind.startswith("pct_") else Route.CN,
                    "kind": kind,
                    "application_number": number,
                    "filing_date": filing_date,
                    "priority_date": priority_date,
                    "publication_number": publication_number,
                    "agency_id": agency,
                    "attorney": attorney,
                },
                events,
                members,
                holders,
            ),
            [],
        )

    def run(self, rows: RowSet) -> tuple[list[Prepared], ImportSummary]:
        summary = ImportSummary(total=len(rows), errors=list(rows.problems))
        prepared = []
        if rows.problems:  # the mapping itself is wrong: nothing of this file can be trusted
            summary.invalid = summary.total
            return [], summary
        for row in rows:
            item, problems = self.row(row)
            if item is None:
                summary.errors.extend(problems)
                summary.invalid += 1
            else:
                prepared.append(item)
        for name, numbers in self.unknown_agencies.items():
            summary.warnings.append(
                Problem(
                    numbers[0],
                    self.column("agency"),
                    _(
                        "“%(name)s” is not a service provider of the directory; %(count)d rows "
                        "are imported without the agency."
                    )
                    % {"name": name, "count": len(numbers)},
                )
            )
        summary.valid = len(prepared)
        return prepared, summary


def validate(rows: RowSet, institution: Institution) -> list[Problem]:
    """Every problem of the rows (empty when every row can be imported)."""
    return _Checker(institution, rows.headers).run(rows)[1].errors


# --- writing ------------------------------------------------------------------------------


def import_rows(
    actor,
    institution: Institution,
    rows: RowSet,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    filename: str = "",
) -> ImportSummary:
    """Check ``rows`` and write them as IP families of ``institution``.

    Nothing is written when any row is bad, unless ``valid_only``, nor on ``dry_run``. ``actor``
    None is the command line."""
    if actor is not None:
        require_staff(actor, institution.pk)
    filename = filename or rows.filename
    started = timezone.now()
    try:
        with transaction.atomic():
            checker = _Checker(institution, rows.headers)
            prepared, summary = checker.run(rows)
            summary.dry_run, summary.valid_only = dry_run, valid_only
            checked = timezone.now()
            summary.seconds["validate"] = (checked - started).total_seconds()
            if dry_run or not prepared or (summary.errors and not valid_only):
                return summary
            _write(checker, prepared, summary, actor, filename)
            summary.seconds["import"] = (timezone.now() - checked).total_seconds()
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "The register changed while the file was being imported (an application number "
                "was taken meanwhile); nothing was written. Check the file again."
            )
        ) from exc
    return summary


class _Event:
    """An event as ``derive_legal_status`` reads it (cheaper than a model instance)."""

    __slots__ = ("kind", "date", "pk")

    def __init__(self, kind: str, date: dt.date):
        self.kind, self.date, self.pk = kind, date, None


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain ``executemany`` inserts, for rows whose ids are not needed (events, ownership)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def _write(
    checker: _Checker, prepared: list[Prepared], summary: ImportSummary, actor, filename: str
) -> None:
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        raise ValidationError(_("This database cannot take a bulk import."))
    institution = checker.institution
    user = actor if getattr(actor, "is_authenticated", False) else None
    user_id = user.pk if user else None
    today = checker.today
    note = filename[:200]
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    dates: dict[dt.date, Any] = {}

    def day(value: dt.date):
        if value not in dates:
            dates[value] = ops.adapt_datefield_value(value)
        return dates[value]

    holders_field = OwnershipPeriod._meta.get_field("holders")
    total_filings = total_events = 0
    primary_ids: list[int] = []
    for start in range(0, len(prepared), BATCH):
        chunk = prepared[start : start + BATCH]
        families = [
            IPFamily(institution=institution, created_by=user, **item.family) for item in chunk
        ]
        IPFamily.objects.bulk_create(families, batch_size=BATCH)
        filings, primary, owners = [], [], []
        for family, item in zip(families, chunk, strict=True):
            cn = Filing(family_id=family.pk, country="CN", **item.filing)
            cn.legal_status = derive_legal_status(
                cn, [_Event(kind, when) for kind, when, _text in item.events], today
            )
            filings.append(cn)
            primary.append(cn)
            for country, member in item.members:
                filings.append(
                    Filing(
                        family_id=family.pk,
                        route=foreign_route(country),
                        country=country,
                        kind="invention" if country in ("WO", "EP") else cn.kind,
                        publication_number=member,
                        priority_date=cn.priority_date or cn.filing_date,
                    )
                )
            if item.holders:
                owners.append(
                    (
                        family.pk,
                        day(cn.filing_date),
                        holders_field.get_db_prep_save(item.holders, connection),
                        note,
                    )
                )
        Filing.objects.bulk_create(filings, batch_size=BATCH)
        events = [
            (cn.pk, kind, day(when), (text or note)[:300], user_id, now)
            for cn, item in zip(primary, chunk, strict=True)
            for kind, when, text in item.events
        ]
        _insert(FilingEvent, ["filing", "kind", "date", "note", "actor", "created_at"], events)
        primary_ids.extend(cn.pk for cn in primary)
        _insert(OwnershipPeriod, ["family", "start", "holders", "note"], owners)
        total_filings += len(filings)
        total_events += len(events)
    summary.imported = len(prepared)
    summary.filings = total_filings
    summary.events = total_events
    audit.record(
        actor=actor,
        action=AUDIT_ACTION,
        obj=institution,
        changes={
            "families": [None, summary.imported],
            "filings": [None, total_filings],
            "events": [None, total_events],
            "skipped": [None, summary.invalid],
        },
        message=filename,
    )
    # The docket and the annuity schedule of the imported filings are built by the task worker
    # (`datong worker`), so that a 100 000-row import does not wait for them.
    refresh_filings_later(primary_ids)


# --- the template -------------------------------------------------------------------------


def write_template(path=None) -> bytes:
    """The .xlsx template: headers in row 1, field names in row 2, one example row, and a notes
    sheet. Written to ``path`` when given; the bytes are returned."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "专利 Patents"
    sheet.append([f.header + ("*" if f.required else "") for f in FIELDS])
    sheet.append([f.name for f in FIELDS])
    for index, item in enumerate(FIELDS, start=1):
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor="1F4E79")
        head.alignment = Alignment(horizontal="center")
        sheet.cell(row=2, column=index).font = Font(italic=True, color="44546A")
        sheet.column_dimensions[get_column_letter(index)].width = (
            36
            if item.name
            in (
                "title",
                "family_members",
            )
            else 16
        )
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet("说明 Notes")
    notes.append(["专利导入模板 Patent portfolio import template"])
    notes.append(
        [
            "第1行为列名，第2行为字段名（导入时自动跳过），从第3行起每行一件专利。其他数据库导出的"
            "文件也可直接上传：预览页可调整每一列对应的字段。",
            "Row 1 holds the headers, row 2 the field names (skipped); one patent per row from "
            "row 3. Exports of other databases can be uploaded as they are: the preview lets you "
            "map each column to a field.",
        ]
    )
    notes.append([])
    notes.append(["列名 Column", "字段 Field", "必填 Required", "说明", "Notes", "示例 Example"])
    for item in FIELDS:
        notes.append(
            [
                item.header,
                item.name,
                "是 yes" if item.required else "否 no",
                item.note,
                item.note_en,
                item.example,
            ]
        )
    for letter, width in zip("ABCDEF", (18, 20, 12, 60, 60, 36), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(content)
    return content
