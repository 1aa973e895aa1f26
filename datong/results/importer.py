"""Bulk import of research results from a spreadsheet (.xlsx) or a CSV file.

The file
--------
The first non-empty row holds the column headers: the Chinese headers of the template
(``成果名称``), the English field names (``title``) or the English labels (``Title``), in any
order; unknown columns are ignored. A second row that repeats the field names, as the
template's does, is skipped. Every further non-empty row is one result. Row numbers in the
messages are the numbers the spreadsheet shows (CSV: the record number, the header being 1).

================  ============  =========================================================
header            field         value
================  ============  =========================================================
成果编号          number        optional; numbered ``R<year>-00001`` onwards when empty
成果名称          title         required, at most 200 characters, unique within the file
英文名称          title_en      optional
摘要              abstract      optional (50 characters or more count for completeness)
院系              department    the name of a department of the institution
行业代码          industry      GB/T 4754-2017 division (two digits, e.g. ``39``)
战略性新兴产业    sei           ``1``–``9`` (strategic emerging industries, 2018)
关键词            keywords      separated by 、，； or spaces
技术成熟度        trl           ``1``–``9``
保护方式          ip_types      codes or Chinese names, several separated by 、 or ,
完成人            inventors     ``张三:60;李四:40``: shares total 100; a name equal to the name
                                of a member of the institution links that account
状态              status        optional: registered (default), protecting, secret, released
================  ============  =========================================================

Use
---
::

    rows = read_rows(path_or_upload, filename)          # RowSet (a list of Row)
    problems = validate(rows, institution)              # [(row, column, message), ...]
    summary = import_rows(actor, institution, rows)     # all or nothing
    summary = import_rows(actor, institution, rows, valid_only=True)   # just the good rows

The checks reuse the services' own (``_clean_common``, ``check_shares``), fed with reference
data loaded once, so a file of 10 000 rows is checked and written without a query per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require_staff
from datong.institutions.models import Department, Institution

from . import quality
from .models import (
    Classification,
    Result,
    ResultInventor,
    ResultSource,
    ResultStatus,
    Scheme,
    TimelineEvent,
)
from .reference import read_scheme
from .selectors import similar_to_text, similarity_indexes
from .services import _clean_common, _share, check_shares, next_result_number, split_keywords

#: The timeline kind written once for every imported result.
EVENT_KIND = "result.imported"
#: The audit action written once for every import.
AUDIT_ACTION = "result.import"
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
BATCH = 500
NUMBER_MAX_LENGTH = Result._meta.get_field("number").max_length
NAME_MAX_LENGTH = ResultInventor._meta.get_field("name").max_length

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Chinese header of the template
    label: str  # the English label
    required: bool
    note: str  # what to write, in Chinese (the template's notes sheet)
    note_en: str  # the same in English
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "成果编号",
        "Number",
        False,
        "可留空：按“R年份-五位序号”自动编号；填写时在本单位内不得重复（最多32个字符）。",
        "Optional: left empty, results are numbered R<year>-00001 onwards; a given number must "
        "be unique within the institution (at most 32 characters).",
        "R2025-00001",
        ("编号", "成果号"),
    ),
    Column(
        "title",
        "成果名称",
        "Title",
        True,
        "必填，最多200字；同一文件内名称不得重复。",
        "Required, at most 200 characters; two rows of one file may not share a title.",
        "一种基于深度学习的锂电池健康状态估计方法",
        ("名称", "项目名称", "成果标题"),
    ),
    Column(
        "title_en",
        "英文名称",
        "English title",
        False,
        "可选，最多300个字符。",
        "Optional, at most 300 characters.",
        "A deep-learning method for estimating the state of health of lithium batteries",
        ("英文标题", "英文题目"),
    ),
    Column(
        "abstract",
        "摘要",
        "Abstract",
        False,
        "成果简介；不少于50字时计入完整度。",
        "A summary of the result; 50 characters or more count towards completeness.",
        "本发明提出一种基于深度学习的锂电池健康状态估计方法……",
        ("简介", "成果简介", "summary"),
    ),
    Column(
        "department",
        "院系",
        "Department",
        False,
        "本单位已有院系的名称（见“代码 Codes”表），不会自动新建院系。",
        "The name of one of the institution's departments (see the Codes sheet); no "
        "department is created by the import.",
        "材料科学与工程学院",
        ("学院", "所属院系", "所属学院", "部门"),
    ),
    Column(
        "industry",
        "行业代码",
        "Industry",
        False,
        "《国民经济行业分类》（GB/T 4754—2017）的两位数大类代码，如 39；也可写“39 计算机……”"
        "或大类名称。门类字母（如 C）不可用。",
        "A two-digit division of the national industry classification GB/T 4754-2017, e.g. 39 "
        "(or “39 name”, or the division's name). Section letters such as C are not accepted.",
        "38",
        ("行业", "所属行业", "行业分类", "国民经济行业"),
    ),
    Column(
        "sei",
        "战略性新兴产业",
        "Strategic emerging industry",
        False,
        "《战略性新兴产业分类（2018）》一级代码 1–9，或其名称。",
        "A top-level code 1–9 of the strategic emerging industries classification (2018), or "
        "its name.",
        "6",
        ("战新产业", "新兴产业", "战略新兴产业"),
    ),
    Column(
        "keywords",
        "关键词",
        "Keywords",
        False,
        "用顿号、逗号、分号或空格分隔，最多20个。",
        "Separated by 、 ， ； commas, semicolons or spaces; at most 20.",
        "锂电池、健康状态、深度学习",
        ("关键字",),
    ),
    Column(
        "trl",
        "技术成熟度",
        "TRL",
        False,
        "技术成熟度等级，1–9 的整数。",
        "Technology readiness level, a whole number from 1 to 9.",
        "4",
        ("成熟度", "技术就绪度", "readiness"),
    ),
    Column(
        "ip_types",
        "保护方式",
        "Protection",
        False,
        "知识产权类型的代码或中文名称，多个用顿号或逗号分隔（见“代码 Codes”表）。",
        "Intellectual-property types, as codes or Chinese names, several separated by 、 or "
        "commas (see the Codes sheet).",
        "发明专利、软件著作权",
        ("知识产权类型", "知识产权", "保护类型", "ip", "iptype"),
    ),
    Column(
        "inventors",
        "完成人",
        "Inventors",
        False,
        "“姓名:贡献比例”，多人用分号分隔，比例合计须为100；只有一人时可只写姓名。姓名与本单位"
        "用户的姓名相同时关联其账号。",
        "“name:share” pairs separated by semicolons; the shares must total 100 (a single "
        "inventor may be given without a share). A name equal to the name of a member of the "
        "institution links that account.",
        "张三:60;李四:40",
        ("发明人", "完成人及贡献比例", "成果完成人", "inventor"),
    ),
    Column(
        "status",
        "状态",
        "Status",
        False,
        "可留空（默认 registered 已登记）；可选 registered 已登记、protecting 保护中、"
        "secret 技术秘密、released 已转交发明人。",
        "Optional (registered by default); one of registered, protecting, secret, released.",
        "registered",
        ("成果状态",),
    ),
)
FIELDS = tuple(c.field for c in COLUMNS)
COLUMN = {c.field: c for c in COLUMNS}

#: Statuses an import may give (a merged result needs the result it was merged into).
IMPORT_STATUSES = (
    ResultStatus.REGISTERED,
    ResultStatus.PROTECTING,
    ResultStatus.SECRET,
    ResultStatus.RELEASED,
)
#: Statuses as the template lists them: code and Chinese name.
STATUS_NAMES = (
    ("registered", "已登记"),
    ("protecting", "保护中"),
    ("secret", "技术秘密"),
    ("released", "已转交发明人"),
)
STATUS_ALIASES = {
    "已登记": ResultStatus.REGISTERED,
    "登记": ResultStatus.REGISTERED,
    "保护中": ResultStatus.PROTECTING,
    "已保护": ResultStatus.PROTECTING,
    "技术秘密": ResultStatus.SECRET,
    "已转交发明人": ResultStatus.RELEASED,
    "已释放": ResultStatus.RELEASED,
    "放弃": ResultStatus.RELEASED,
}


def _key(text) -> str:
    """Loose comparison key: NFKC, lower case, no spaces, stars or separators."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*_\-:./]+", "", text)


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.header, _column.field, _column.label, *_column.aliases):
        HEADER_ALIASES.setdefault(_key(_alias), _column.field)


def field_for_header(header) -> str | None:
    """The field a header names: ``成果名称``, ``title``, ``Title``, ``成果名称*``,
    ``成果名称（title）`` and ``成果名称\\ntitle`` all name ``title``."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    if not text:
        return None
    candidates = [text, re.sub(r"[(\[【].*?[)\]】]", "", text)]
    candidates += re.findall(r"[(\[【](.*?)[)\]】]", text)
    candidates += re.split(r"[\s|]+", text)
    for candidate in candidates:
        found = HEADER_ALIASES.get(_key(candidate))
        if found:
            return found
    return None


# --- reading a file -----------------------------------------------------------------------


class Problem(NamedTuple):
    """One message about the file: its row number, the column header and what is wrong."""

    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int  # the row number the spreadsheet shows
    values: dict[str, Any]


class RowSet(list):
    """The rows of one file (a list of :class:`Row`) with what was learnt about its columns."""

    def __init__(
        self,
        rows: Iterable[Row] = (),
        *,
        headers: dict[str, str] | None = None,
        problems: list[Problem] | None = None,
        ignored: list[str] | None = None,
        filename: str = "",
    ):
        super().__init__(rows)
        self.headers = headers or {}  # field → the header as the file writes it
        self.problems = problems or []  # problems of the file itself (a missing column …)
        self.ignored = ignored or []  # headers that name no column
        self.filename = filename


def header_of(field_name: str, headers: dict[str, str] | None = None) -> str:
    return (headers or {}).get(field_name) or COLUMN[field_name].header


def _is_empty(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _rowset(records: Iterable[tuple[int, list]], filename: str) -> RowSet:
    """Headers, the optional field-name row, then the data rows."""
    records = iter(records)
    header_number, header = 0, None
    for number, values in records:
        if not _is_empty(values):
            header_number, header = number, values
            break
    if header is None:
        raise ValidationError(_("The file holds no rows."))
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    for index, cell in enumerate(header):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        name = field_for_header(text)
        shown = text.replace("\n", " ").rstrip("*＊ ")
        if name is None:
            ignored.append(shown)
        elif name in headers:
            problems.append(
                Problem(
                    header_number,
                    shown,
                    _("The column “%(column)s” appears twice.") % {"column": shown},
                )
            )
        else:
            columns[index] = name
            headers[name] = shown
    if not columns:
        raise ValidationError(
            _(
                "No column of the import template was recognised in the first row; "
                "download the template and copy the data into it."
            )
        )
    for column in COLUMNS:
        if column.required and column.field not in headers:
            problems.append(
                Problem(
                    header_number,
                    column.header,
                    _("The column “%(column)s” is missing.") % {"column": column.header},
                )
            )
    rows: list[Row] = []
    first = True
    for number, values in records:
        if _is_empty(values):
            continue
        cells = {name: (values[i] if i < len(values) else None) for i, name in columns.items()}
        if first:
            first = False
            if all(
                v in (None, "") or _key(v) in (_key(n), _key(COLUMN[n].label))
                for n, v in cells.items()
            ):
                continue  # the template's row of field names
        rows.append(Row(number, cells))
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                _("A file may hold at most %(count)d rows; split it into several files.")
                % {"count": MAX_ROWS}
            )
    return RowSet(rows, headers=headers, problems=problems, ignored=ignored, filename=filename)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”.")
        ) from exc


def _csv_records(data: bytes) -> Iterator[tuple[int, list]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file could not be read: %(error)s") % {"error": exc}
        ) from exc


def read_rows(source, filename: str | None = None) -> RowSet:
    """Read an .xlsx workbook (its first sheet) or a CSV file (UTF-8, with or without BOM, or
    GB18030). ``source`` is a path or a binary file (an upload); ``filename`` tells the type
    when the source has no name. Raises ``ValidationError`` for a file that cannot be read."""
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
    return _rowset(records, name)


def _as_rowset(rows) -> RowSet:
    """Accept a RowSet, a list of Row, or a list of dicts keyed by field (numbered from 2)."""
    if isinstance(rows, RowSet):
        return rows
    items = []
    for index, row in enumerate(rows, start=2):
        items.append(row if isinstance(row, Row) else Row(index, dict(row)))
    return RowSet(items)


# --- checking -----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class _Prepared:
    row: int
    data: dict
    inventors: list[dict]


@dataclass
class ImportSummary:
    total: int = 0
    valid: int = 0
    invalid: int = 0
    imported: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    valid_only: bool = False
    numbers: list[str] = field(default_factory=list)  # the numbers of the imported results

    @property
    def ok(self) -> bool:
        return not self.errors


class _Reference:
    """Everything a row is checked against, read once."""

    def __init__(self, institution: Institution):
        self.institution = institution
        items = list(Classification.objects.filter(scheme__in=[Scheme.INDUSTRY, Scheme.SEI]))
        self.industry = self._index(i for i in items if i.scheme == Scheme.INDUSTRY)
        self.sei = self._index(i for i in items if i.scheme == Scheme.SEI)
        self.departments: dict[str, Department] = {}
        for department in Department.objects.filter(institution=institution):
            for text in (department.code, department.name_en, department.name):
                if text:
                    self.departments[_key(text)] = department
        self.users: dict[str, list[User]] = {}
        for user in User.objects.filter(
            memberships__institution=institution, is_active=True
        ).distinct():
            if user.name:
                self.users.setdefault(_key(user.name), []).append(user)
        self.ip_types: dict[str, str] = {}
        for item in read_scheme("IP")["items"]:
            for text in (item["code"], item["name"], item.get("name_en", "")):
                if text:
                    self.ip_types[_key(text)] = item["code"]
        self.statuses: dict[str, str] = {_key(k): v for k, v in STATUS_ALIASES.items()}
        for status in IMPORT_STATUSES:
            self.statuses[_key(status.value)] = status.value
            self.statuses[_key(status.label)] = status.value
            with translation.override("zh-hans"):
                self.statuses.setdefault(_key(str(status.label)), status.value)
        existing = Result.objects.filter(institution=institution).values_list("number", "title")
        self.numbers: set[str] = set()
        self.titles: dict[str, str] = {}
        for number, title in existing:
            self.numbers.add(number)
            self.titles.setdefault(quality.normalise(title), number)

    @staticmethod
    def _index(items: Iterable[Classification]) -> dict[str, Classification]:
        index = {}
        for item in items:
            for text in (item.code, item.name, item.name_en):
                if text:
                    index.setdefault(_key(text), item)
        return index

    def classification(self, index: dict, value: str, pad: bool = False) -> Classification | None:
        candidates = [value]
        token = re.split(r"[\s:：、,，]+", value, maxsplit=1)[0]
        candidates.append(token)
        if match := re.fullmatch(r"[A-Ta-t](\d{2})", token):  # C39: section letter + division
            candidates.append(match.group(1))
        if pad and token.isdigit() and len(token) == 1:
            candidates.append(f"0{token}")
        for candidate in candidates:
            found = index.get(_key(candidate))
            if found is not None:
                return found
        return None


_PAIR = re.compile(r"(?P<name>.+?)\s*(?:[:：=]\s*|\s+)(?P<share>[0-9]+(?:\.[0-9]+)?)\s*[%％]?")
_BRACKET = re.compile(r"(?P<name>.+?)\s*[(（]\s*(?P<share>[0-9]+(?:\.[0-9]+)?)\s*[%％]?\s*[)）]")


class _Checker:
    def __init__(self, institution: Institution, headers: dict[str, str] | None = None):
        self.ref = _Reference(institution)
        self.institution = institution
        self.headers = headers or {}
        self.file_numbers: dict[str, int] = {}
        self.file_titles: dict[str, int] = {}
        self.indexes = None  # built on the first row that needs them

    def column(self, field_name: str) -> str:
        return header_of(field_name, self.headers)

    def similar(self, row_number: int, data: dict, skip: str | None) -> list[Problem]:
        """Warnings for registered results that look like this row (with the similarity), and
        a count of similar results elsewhere in the alliance: staff merge later if needed."""
        if self.indexes is None:
            self.indexes = similarity_indexes(self.institution)
        found = similar_to_text(
            institution=self.institution,
            title=data["title"],
            abstract=data.get("abstract", ""),
            keywords=data.get("keywords", []),
            indexes=self.indexes,
        )
        column = self.column("title")
        warnings = [
            Problem(
                row_number,
                column,
                _("Looks like %(number)s “%(title)s” (%(percent)d %% alike).")
                % {"number": m.number, "title": m.title, "percent": round(m.score * 100)},
            )
            for m in found["matches"][:3]
            if m.number != skip
        ]
        if found["alliance_count"]:
            warnings.append(
                Problem(
                    row_number,
                    column,
                    _("%(count)d similar results elsewhere in the alliance.")
                    % {"count": found["alliance_count"]},
                )
            )
        return warnings

    def inventors(self, text: str, errors: list) -> list[dict]:
        parts = [p.strip() for p in re.split(r"[;；,，、\n]+", text) if p.strip()]
        people, seen = [], set()
        for index, part in enumerate(parts, start=1):
            match = _BRACKET.fullmatch(part) or _PAIR.fullmatch(part)
            if match:
                name, raw_share = match.group("name").strip(), match.group("share")
            elif len(parts) == 1 and not re.search(r"[:：]", part):
                name, raw_share = part, "100"
            else:
                errors.append(
                    _("Inventor %(n)d: write the name and the share as “name:60”.") % {"n": index}
                )
                continue
            try:
                share = _share(raw_share)
            except ValidationError as exc:
                errors.append(f"{_('Inventor %(n)d') % {'n': index}}: {exc.messages[0]}")
                continue
            if len(name) > NAME_MAX_LENGTH:
                errors.append(
                    _("Inventor %(n)d: a name has at most %(limit)d characters.")
                    % {"n": index, "limit": NAME_MAX_LENGTH}
                )
                continue
            if _key(name) in seen:
                errors.append(_("Inventor %(n)d is listed twice.") % {"n": index})
                continue
            seen.add(_key(name))
            matches = self.ref.users.get(_key(name), [])
            user = matches[0] if len(matches) == 1 else None
            people.append({"name": name, "share": share, "user": user, "position": index})
        if people and not errors:
            try:
                check_shares(p["share"] for p in people)
            except ValidationError as exc:
                errors.append(exc.message_dict["inventors"][0])
        return people

    def row(self, row: Row) -> tuple[_Prepared | None, list[Problem], list[Problem]]:
        values = {name: _text(row.values.get(name)) for name in FIELDS}
        errors: dict[str, str] = {}
        data: dict[str, Any] = {
            "title": values["title"],
            "title_en": values["title_en"],
            "abstract": values["abstract"],
            "keywords": split_keywords(values["keywords"]),
        }
        if value := values["department"]:
            department = self.ref.departments.get(_key(value))
            if department is None:
                errors["department"] = _(
                    "There is no department “%(name)s” in this institution."
                ) % {"name": value}
            else:
                data["department"] = department
        for name, index, pad in (
            ("industry", self.ref.industry, True),
            ("sei", self.ref.sei, False),
        ):
            if value := values[name]:
                item = self.ref.classification(index, value, pad)
                if item is None:
                    errors[name] = _("“%(code)s” is not a code of this classification.") % {
                        "code": value
                    }
                else:
                    data[name] = item
        if value := values["trl"]:
            data["trl"] = re.sub(r"^\s*trl\s*", "", value, flags=re.IGNORECASE)
        if value := values["ip_types"]:
            parts = [p for p in re.split(r"[,，;；、/\s]+", value) if p]
            data["ip_types"] = [self.ref.ip_types.get(_key(p), p) for p in parts]
        try:
            cleaned = _clean_common(data, self.institution)
        except ValidationError as exc:
            cleaned = {}
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, messages[0])
        number = values["number"]
        if number:
            if len(number) > NUMBER_MAX_LENGTH:
                errors["number"] = _("At most %(limit)d characters (this has %(length)d).") % {
                    "limit": NUMBER_MAX_LENGTH,
                    "length": len(number),
                }
            elif number in self.ref.numbers:
                errors["number"] = _("The number %(number)s is already used by another result.") % {
                    "number": number
                }
            elif number in self.file_numbers:
                errors["number"] = _("The number %(number)s is also given in row %(row)d.") % {
                    "number": number,
                    "row": self.file_numbers[number],
                }
            else:
                self.file_numbers[number] = row.number
        warnings = []
        if data["title"]:
            title_key = quality.normalise(data["title"])
            if title_key in self.file_titles:
                errors.setdefault(
                    "title",
                    _("The same title as row %(row)d.") % {"row": self.file_titles[title_key]},
                )
            else:
                self.file_titles[title_key] = row.number
            exact = self.ref.titles.get(title_key)
            if exact:
                warnings.append(
                    Problem(
                        row.number,
                        self.column("title"),
                        _("A result with the same title is already registered: %(number)s.")
                        % {"number": exact},
                    )
                )
            warnings += self.similar(row.number, data, skip=exact)
        inventor_errors: list[str] = []
        people = self.inventors(values["inventors"], inventor_errors) if values["inventors"] else []
        status = ResultStatus.REGISTERED.value
        if value := values["status"]:
            token = re.split(r"[\s:：]+", value, maxsplit=1)[0]
            status = self.ref.statuses.get(_key(value)) or self.ref.statuses.get(_key(token))
            if status is None:
                errors["status"] = _("Unknown status “%(value)s”; use one of: %(choices)s.") % {
                    "value": value,
                    "choices": ", ".join(s.value for s in IMPORT_STATUSES),
                }
        problems = [
            Problem(row.number, self.column(name), errors[name])
            for name in FIELDS
            if name in errors
        ]
        problems += [
            Problem(row.number, self.column(name), message)
            for name, message in errors.items()
            if name not in FIELDS
        ]
        problems += [Problem(row.number, self.column("inventors"), m) for m in inventor_errors]
        if problems:
            return None, problems, warnings
        cleaned["number"] = number
        cleaned["status"] = status
        return _Prepared(row.number, cleaned, people), [], warnings

    def run(self, rows: RowSet) -> tuple[list[_Prepared], ImportSummary]:
        summary = ImportSummary(total=len(rows), errors=list(rows.problems))
        prepared = []
        for row in rows:
            item, problems, warnings = self.row(row)
            summary.warnings.extend(warnings)
            if item is None:
                summary.errors.extend(problems)
                summary.invalid += 1
            else:
                prepared.append(item)
        if rows.problems:  # a missing or doubled column: nothing of this file can be trusted
            prepared = []
            summary.invalid = summary.total
        summary.valid = len(prepared)
        return prepared, summary

    def numbers(self, prepared: list[_Prepared]) -> None:
        """Give the rows without a number the next free ones."""
        if all(p.data["number"] for p in prepared):
            return
        used = self.ref.numbers | set(self.file_numbers)
        first = next_result_number(self.institution)
        prefix, start = first.rsplit("-", 1)
        counter = int(start)
        width = len(start)
        for item in prepared:
            if item.data["number"]:
                continue
            while f"{prefix}-{counter:0{width}d}" in used:
                counter += 1
            item.data["number"] = f"{prefix}-{counter:0{width}d}"
            used.add(item.data["number"])
            counter += 1


def validate(rows, institution: Institution) -> list[Problem]:
    """Every problem of the file, as ``(row number, column header, message)`` in the user's
    language; empty when every row can be imported."""
    rows = _as_rowset(rows)
    _prepared, summary = _Checker(institution, rows.headers).run(rows)
    return summary.errors


# --- writing ------------------------------------------------------------------------------

RESULT_DATA = (
    "number",
    "title",
    "title_en",
    "abstract",
    "department",
    "industry",
    "sei",
    "keywords",
    "trl",
    "ip_types",
    "status",
)
_INVENTOR_WEIGHT = next(
    w for name, w, _label, _test in quality.COMPLETENESS_RULES if name == "inventors"
)


def _build(item: _Prepared, institution: Institution, actor) -> Result:
    result = Result(
        institution=institution,
        source=ResultSource.IMPORT,
        created_by=actor,
        **{k: item.data.get(k) for k in RESULT_DATA},
    )
    if result.keywords is None:
        result.keywords = []
    if result.ip_types is None:
        result.ip_types = []
    # quality.completeness and quality.search_text read the inventors from the database once
    # a result has a primary key; here they come from the parsed row instead.
    score, _missing = quality.completeness(result)
    names = " ".join(p["name"] for p in item.inventors)
    result.completeness = score + (_INVENTOR_WEIGHT if item.inventors else 0)
    text = quality.search_text(result)
    if names:
        text = f"{text} {unicodedata.normalize('NFKC', names).lower()}"
    result.search_text = text
    return result


def import_rows(
    actor,
    institution: Institution,
    rows,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    filename: str = "",
) -> ImportSummary:
    """Check ``rows`` and register them as results of ``institution``.

    Nothing is written when any row is bad, unless ``valid_only`` (then the good rows are), nor
    on ``dry_run``. Each result gets a ``result.imported`` timeline event; the import as a whole
    one ``result.import`` audit entry. ``actor`` None is the command line."""
    if actor is not None:
        require_staff(actor, institution.pk)
    rows = _as_rowset(rows)
    filename = filename or rows.filename
    try:
        with transaction.atomic():
            checker = _Checker(institution, rows.headers)
            prepared, summary = checker.run(rows)
            summary.dry_run, summary.valid_only = dry_run, valid_only
            if dry_run or not prepared or (summary.errors and not valid_only):
                return summary
            _write(checker, prepared, summary, actor, filename)
    except IntegrityError as exc:  # a number was taken by another import meanwhile
        raise ValidationError(
            _(
                "The registry changed while the file was being imported; nothing was written. "
                "Check the file again."
            )
        ) from exc
    return summary


def _write(
    checker: _Checker, prepared: list[_Prepared], summary: ImportSummary, actor, filename: str
) -> None:
    institution = checker.institution
    user = actor if getattr(actor, "is_authenticated", False) else None
    checker.numbers(prepared)
    results = [_build(item, institution, user) for item in prepared]
    Result.objects.bulk_create(results, batch_size=BATCH)
    if any(r.pk is None for r in results):  # a database that returns no ids on insert
        ids = {}
        numbers = [r.number for r in results]
        for start in range(0, len(numbers), BATCH):
            ids.update(
                Result.objects.filter(
                    institution=institution, number__in=numbers[start : start + BATCH]
                ).values_list("number", "pk")
            )
        for result in results:
            result.pk = ids[result.number]
    inventors = []
    for result, item in zip(results, prepared, strict=True):
        for person in item.inventors:
            linked = person["user"]
            inventors.append(
                ResultInventor(
                    result_id=result.pk,
                    user=linked,
                    name=person["name"],
                    institution_name=institution.name if linked else "",
                    share=person["share"],
                    paid_here=linked is not None,
                    is_main=person["position"] == 1,
                    position=person["position"],
                )
            )
    ResultInventor.objects.bulk_create(inventors, batch_size=BATCH)
    now = timezone.now()
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                result_id=result.pk,
                kind=EVENT_KIND,
                at=now,
                actor=user,
                summary=filename[:255],
                data={"file": filename, "row": item.row},
            )
            for result, item in zip(results, prepared, strict=True)
        ],
        batch_size=BATCH,
    )
    summary.imported = len(results)
    summary.numbers = [r.number for r in results]
    audit.record(
        actor=actor,
        action=AUDIT_ACTION,
        obj=institution,
        changes={
            "imported": [None, summary.imported],
            "skipped": [None, summary.invalid],
            "inventors": [None, len(inventors)],
            "numbers": [None, f"{summary.numbers[0]} … {summary.numbers[-1]}"],
        },
        message=filename,
    )


# --- the template -------------------------------------------------------------------------

_INSTRUCTIONS = (
    ("成果导入模板 Result import template", ""),
    (
        "第1行为列名，第2行为字段名（导入时自动跳过），请从第3行起每行填写一项成果；列的顺序可以调整，"
        "不需要的列可以删除（成果名称除外）。",
        "Row 1 holds the headers and row 2 the field names (skipped on import); write one result "
        "per row from row 3. Columns may be reordered, and any column but the title removed.",
    ),
    (
        "文件可保存为 .xlsx，或 UTF-8 / GB18030 编码的 CSV；列名可以用中文，也可以用英文字段名。",
        "Save as .xlsx, or as CSV in UTF-8 or GB18030; headers may be Chinese or the English "
        "field names.",
    ),
    (
        "导入前先检查：任何一行有错误时不会写入，可选择只导入无误的行。",
        "Every row is checked first: nothing is written while a row is wrong, unless you choose "
        "to import only the valid rows.",
    ),
)


def _codes(institution: Institution | None) -> dict[str, list[str]]:
    industry = Classification.objects.filter(scheme=Scheme.INDUSTRY, parent__isnull=False)
    sei = Classification.objects.filter(scheme=Scheme.SEI, parent__isnull=True)
    codes = {
        "industry": [f"{i.code} {i.name}" for i in industry.order_by("code")],
        "sei": [f"{i.code} {i.name}" for i in sei.order_by("position")],
        "ip_types": [item["name"] for item in read_scheme("IP")["items"]],
        "status": [f"{code} {name}" for code, name in STATUS_NAMES],
        "trl": [f"{i['code']} {i['name']}" for i in read_scheme("TRL")["items"]],
    }
    if institution is not None:
        codes["department"] = list(
            Department.objects.filter(institution=institution)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return codes


def write_template(path=None, institution: Institution | None = None) -> bytes:
    """Write the .xlsx template to ``path`` (when given) and return its bytes. With an
    institution, its departments are listed and offered in the department column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "成果 Results"
    head_fill = PatternFill("solid", fgColor="1F4E79")
    field_fill = PatternFill("solid", fgColor="DDE7F3")
    sheet.append([c.header + ("*" if c.required else "") for c in COLUMNS])
    sheet.append([c.field for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = head_fill
        head.alignment = Alignment(horizontal="center", vertical="center")
        head.comment = Comment(
            f"{column.note}\n\n{column.note_en}", "Datong", width=320, height=160
        )
        name = sheet.cell(row=2, column=index)
        name.font = Font(italic=True, color="44546A")
        name.fill = field_fill
        name.alignment = Alignment(horizontal="center")
        width = {
            "title": 44,
            "title_en": 40,
            "abstract": 60,
            "inventors": 28,
            "keywords": 28,
            "ip_types": 24,
            "department": 22,
            "sei": 18,
        }.get(column.field, 14)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.row_dimensions[1].height = 22

    notes = workbook.create_sheet("说明 Notes")
    for chinese, english in _INSTRUCTIONS:
        notes.append([chinese, english])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append([])
    notes.append(["列名 Column", "字段 Field", "必填 Required", "说明", "Notes", "示例 Example"])
    header_row = notes.max_row
    for cell in notes[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = head_fill
    for column in COLUMNS:
        notes.append(
            [
                column.header,
                column.field,
                "是 yes" if column.required else "否 no",
                column.note,
                column.note_en,
                column.example,
            ]
        )
    for letter, width in zip("ABCDEF", (16, 14, 12, 60, 60, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    codes = _codes(institution)
    code_sheet = workbook.create_sheet("代码 Codes")
    titles = {
        "industry": "行业代码 Industry (GB/T 4754-2017)",
        "sei": "战略性新兴产业 SEI",
        "trl": "技术成熟度 TRL",
        "ip_types": "保护方式 Protection",
        "status": "状态 Status",
        "department": "院系 Department",
    }
    ranges = {}
    for index, (key, items) in enumerate(codes.items(), start=1):
        letter = get_column_letter(index)
        code_sheet.cell(row=1, column=index, value=titles[key]).font = Font(bold=True)
        for offset, item in enumerate(items, start=2):
            code_sheet.cell(row=offset, column=index, value=item)
        code_sheet.column_dimensions[letter].width = 36 if key == "industry" else 24
        if items:
            ranges[key] = f"'代码 Codes'!${letter}$2:${letter}${len(items) + 1}"
    letters = {c.field: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    last = 20_000

    def add(validation: DataValidation, field_name: str) -> None:
        validation.error = "请从列表中选择，或见“说明 Notes”表。 Choose from the list."
        validation.errorTitle = "Datong"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letters[field_name]}3:{letters[field_name]}{last}")

    for key in ("industry", "sei", "status", "department"):
        if key in ranges:
            add(DataValidation(type="list", formula1=ranges[key], allow_blank=True), key)
    add(
        DataValidation(
            type="whole", operator="between", formula1="1", formula2="9", allow_blank=True
        ),
        "trl",
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(content)
    return content


def errors_workbook(problems: Iterable[Problem]) -> bytes:
    """The problems as a small workbook, to fix the file against."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误 Errors"
    sheet.append([_("Row"), _("Column"), _("Problem")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        sheet.append(list(problem))
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
