"""Bulk import of results: template, reading, checking, all-or-nothing writing, the page, the
command line and a speed check."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from datong import urls as root_urls
from datong.cli import build_parser, main
from datong.core.models import AuditEntry
from datong.core.navigation import _REGISTRY
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import DepartmentFactory, InstitutionFactory, member_of
from datong.results import importer
from datong.results.importer import COLUMN, Problem, field_for_header, import_rows, read_rows
from datong.results.models import Result, ResultInventor, ResultSource, TimelineEvent


def _stub(request, *args, **kwargs):
    return HttpResponse("")


def _urlpatterns():
    """The site's URLs plus the import page, with placeholders for menu entries whose pages are
    not routed yet, so these tests run whether or not the results pages are wired."""
    patterns = [path("", include("datong.results.urls_import")), *root_urls.urlpatterns]
    names = {item.url_name for item in _REGISTRY.values()} | {"result-list"}
    for name in sorted(names):
        try:
            reverse(name, urlconf="datong.urls")
        except NoReverseMatch:
            patterns.append(path(f"__stub__/{name}/", _stub, name=name))
    return patterns


urlpatterns = _urlpatterns()
handler403 = root_urls.handler403
handler404 = root_urls.handler404

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
ABSTRACT = (
    "本发明提出一种基于深度学习的锂电池健康状态估计方法，利用充放电曲线的局部特征构建"
    "时序模型，在不拆解电池的条件下实现健康状态的在线估计，误差低于百分之二。"
)


@pytest.fixture
def world():
    uni = InstitutionFactory(slug="uni", name="甲理工大学")
    other = InstitutionFactory(slug="other", name="乙大学")
    DepartmentFactory(institution=uni, name="化学学院", name_en="School of Chemistry")
    DepartmentFactory(institution=uni, name="材料学院")
    DepartmentFactory(institution=other, name="医学院")
    return {
        "uni": uni,
        "other": other,
        "staff": member_of(uni, Role.TTO_STAFF, name="王老师"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张三"),
        "other_staff": member_of(other, Role.TTO_STAFF, name="赵老师"),
    }


def good_row(n: int = 1, **changes) -> dict:
    row = {
        "title": f"一种基于深度学习的锂电池健康状态估计方法{n}",
        "title_en": f"Battery health estimation {n}",
        "abstract": ABSTRACT,
        "department": "化学学院",
        "industry": "38",
        "sei": "6",
        "keywords": "锂电池、健康状态，深度学习",
        "trl": "4",
        "ip_types": "发明专利、software_copyright",
        "inventors": "张三:60;李四:40",
    }
    row.update(changes)
    return row


def xlsx(rows: list[dict], fields=None, headers=None) -> io.BytesIO:
    fields = fields or list(importer.FIELDS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [COLUMN[f].header for f in fields])
    for row in rows:
        sheet.append([row.get(f) for f in fields])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "results.xlsx"
    return buffer


def csv_bytes(rows: list[dict], fields, headers, encoding="utf-8-sig") -> bytes:
    lines = [",".join(headers)]
    lines += [",".join(str(row.get(f, "")) for f in fields) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# --- headers and reading -------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,expected",
    [
        ("成果名称", "title"),
        ("成果名称*", "title"),
        ("title", "title"),
        ("Title", "title"),
        ("成果名称（title）", "title"),
        ("成果名称\ntitle", "title"),
        ("英文名称", "title_en"),
        ("title_en", "title_en"),
        ("English title", "title_en"),
        ("ip_types", "ip_types"),
        ("发明人", "inventors"),
        ("备注", None),
    ],
)
def test_headers_in_chinese_or_english(header, expected):
    assert field_for_header(header) == expected


def test_template_round_trip(world, tmp_path):
    uni, staff, researcher = world["uni"], world["staff"], world["researcher"]
    target = tmp_path / "template.xlsx"
    importer.write_template(target, institution=uni)
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["成果 Results", "说明 Notes", "代码 Codes"]
    sheet = workbook["成果 Results"]
    assert [c.value for c in sheet[1]][:2] == ["成果编号", "成果名称*"]
    assert [c.value for c in sheet[2]] == list(importer.FIELDS)
    assert sheet["B1"].font.bold
    notes = " ".join(str(c.value) for row in workbook["说明 Notes"].iter_rows() for c in row)
    for column in importer.COLUMNS:
        assert column.header in notes and column.field in notes
    codes = [c.value for c in workbook["代码 Codes"]["A"]]
    assert any(str(v).startswith("38 ") for v in codes)
    assert "化学学院" in [c.value for row in workbook["代码 Codes"].iter_rows() for c in row]
    assert len(sheet.data_validations.dataValidation) >= 4

    # Fill the template as an office would, the industry picked from the list.
    fields = list(importer.FIELDS)
    first = good_row(1, industry=next(v for v in codes if str(v).startswith("38 ")))
    second = good_row(2, inventors="王五", department="", status="保护中", ip_types="")
    for row in (first, second):
        sheet.append([row.get(f) for f in fields])
    workbook.save(target)

    rows = read_rows(target)
    assert [r.number for r in rows] == [3, 4]
    assert importer.validate(rows, uni) == []
    summary = import_rows(staff, uni, rows)
    assert (summary.total, summary.valid, summary.invalid, summary.imported) == (2, 2, 0, 2)
    one, two = Result.objects.filter(institution=uni).order_by("number")
    assert one.number == f"R{YEAR}-00001" and two.number == f"R{YEAR}-00002"
    assert one.source == ResultSource.IMPORT and one.created_by == staff
    assert one.department.name == "化学学院"
    assert (one.industry.code, one.sei.code, one.trl) == ("38", "6", 4)
    assert one.keywords == ["锂电池", "健康状态", "深度学习"]
    assert one.ip_types == ["invention_patent", "software_copyright"]
    assert one.status == "registered" and two.status == "protecting"
    inventors = list(one.inventors.all())
    assert [(i.name, i.share, i.user) for i in inventors] == [
        ("张三", Decimal("60.00"), researcher),
        ("李四", Decimal("40.00"), None),
    ]
    assert inventors[0].is_main and inventors[0].paid_here and not inventors[1].paid_here
    assert two.inventors.get().share == Decimal("100")
    # Completeness and search text equal what quality.refresh computes from the database.
    from datong.results import quality

    for result in (one, two):
        stored = (result.completeness, result.search_text)
        quality.refresh(result, save=False)
        assert stored == (result.completeness, result.search_text)
    assert one.completeness == 100 and "张三" in one.search_text
    assert TimelineEvent.objects.filter(kind="result.imported").count() == 2
    entry = AuditEntry.objects.get(action="result.import")
    assert entry.institution_id == uni.pk and entry.actor == staff
    assert entry.changes["imported"] == [None, 2]


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    uni, staff = world["uni"], world["staff"]
    Result.objects.create(institution=uni, number="X-1", title="已有成果")
    rows = read_rows(
        xlsx(
            [
                good_row(1),  # row 2: fine
                good_row(2, trl="10"),  # row 3
                good_row(3, inventors="张三:50;李四:40"),  # row 4: 90 %
                good_row(4, industry="99"),  # row 5
                good_row(5, title=""),  # row 6
                good_row(6, department="不存在学院"),  # row 7
                good_row(1),  # row 8: the same title as row 2
                good_row(8, number="X-1"),  # row 9: a number already used
                good_row(9, ip_types="商标", sei="12", status="merged"),  # row 10
            ]
        )
    )
    with Unchanged():
        summary = import_rows(staff, uni, rows)
    assert (summary.total, summary.valid, summary.invalid, summary.imported) == (9, 1, 8, 0)
    where = {(p.row, p.column) for p in summary.errors}
    assert where == {
        (3, "技术成熟度"),
        (4, "完成人"),
        (5, "行业代码"),
        (6, "成果名称"),
        (7, "院系"),
        (8, "成果名称"),
        (9, "成果编号"),
        (10, "保护方式"),
        (10, "战略性新兴产业"),
        (10, "状态"),
    }
    messages = {(p.row, p.column): p.message for p in summary.errors}
    assert "90.00" in messages[(4, "完成人")] and "10.00" in messages[(4, "完成人")]
    assert "99" in messages[(5, "行业代码")]
    assert "不存在学院" in messages[(7, "院系")]
    assert "2" in messages[(8, "成果名称")]
    assert "X-1" in messages[(9, "成果编号")]
    assert "商标" in messages[(10, "保护方式")]
    assert all(isinstance(p, Problem) and p.message for p in summary.errors)
    assert importer.validate(rows, uni) == summary.errors
    assert Result.objects.count() == 1 and not AuditEntry.objects.filter(action="result.import")


def test_messages_follow_the_language(world, settings):
    from django.utils import translation

    rows = [good_row(1, trl="abc")]
    with translation.override("en"):
        [problem] = importer.validate(rows, world["uni"])
    assert problem == (2, "技术成熟度", "The readiness level is a whole number from 1 to 9.")


def test_section_letters_and_loose_codes(world):
    rows = [
        good_row(1, industry="C", sei="新能源产业"),  # a section, not a division
        good_row(2, industry="C39", trl="TRL 5"),
        good_row(3, industry="5", ip_types="实用新型,外观设计"),  # 5 → 05
    ]
    problems = importer.validate(rows, world["uni"])
    assert [(p.row, p.column) for p in problems] == [(2, "行业代码")]
    assert "two digits" in problems[0].message or "两位" in problems[0].message


def test_valid_only_imports_just_the_good_rows(world):
    uni, staff = world["uni"], world["staff"]
    rows = read_rows(
        xlsx([good_row(1), good_row(2, trl="0"), good_row(3, number="A-7"), good_row(4)])
    )
    summary = import_rows(staff, uni, rows, valid_only=True)
    assert (summary.valid, summary.invalid, summary.imported) == (3, 1, 3)
    assert [p.row for p in summary.errors] == [3]
    assert sorted(Result.objects.values_list("number", flat=True)) == [
        "A-7",
        f"R{YEAR}-00001",
        f"R{YEAR}-00002",
    ]
    assert ResultInventor.objects.count() == 6
    entry = AuditEntry.objects.get(action="result.import")
    assert entry.changes["skipped"] == [None, 1]
    # Numbering goes on after what is there.
    import_rows(staff, uni, [good_row(9)])
    assert Result.objects.filter(number=f"R{YEAR}-00003").exists()


def test_dry_run_writes_nothing(world):
    rows = read_rows(xlsx([good_row(1), good_row(2)]))
    with Unchanged():
        summary = import_rows(world["staff"], world["uni"], rows, dry_run=True)
    assert summary.ok and summary.valid == 2 and summary.imported == 0


def test_a_missing_title_column_stops_the_file(world):
    rows = read_rows(xlsx([good_row(1)], fields=["abstract", "trl"]))
    with Unchanged():
        summary = import_rows(world["staff"], world["uni"], rows, valid_only=True)
    assert summary.errors[0] == (1, "成果名称", summary.errors[0].message)
    assert summary.valid == 0 and summary.imported == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_bom_and_gb18030(world, encoding, tmp_path):
    fields = ["title", "department", "industry", "keywords", "inventors", "trl"]
    headers = fields if encoding == "utf-8" else [COLUMN[f].header for f in fields]
    rows = [good_row(1, keywords="锂电池 健康状态"), good_row(2, inventors="张三:70;李四:30")]
    target = tmp_path / "results.csv"
    target.write_bytes(csv_bytes(rows, fields, headers, encoding))
    parsed = read_rows(target)
    assert parsed.headers["title"] == headers[0]
    assert parsed[0].values["title"] == rows[0]["title"]
    summary = import_rows(world["staff"], world["uni"], parsed)
    assert summary.imported == 2
    assert Result.objects.get(title=rows[0]["title"]).keywords == ["锂电池", "健康状态"]


def test_unreadable_files_are_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        read_rows(io.BytesIO(b"PK\x03\x04 not really a workbook"), "broken.xlsx")
    with pytest.raises(ValidationError):
        read_rows(io.BytesIO(b"\xd0\xcf\x11\xe0"), "old.xls")
    with pytest.raises(ValidationError):
        read_rows(io.BytesIO(b"a,b\n1,2\n"), "unknown.csv")  # no column recognised


def test_a_number_taken_meanwhile_leaves_nothing_behind(world, monkeypatch):
    from django.core.exceptions import ValidationError

    def same_number(self, prepared):
        for item in prepared:
            item.data["number"] = "R-SAME"

    monkeypatch.setattr(importer._Checker, "numbers", same_number)
    with Unchanged(), pytest.raises(ValidationError):
        import_rows(world["staff"], world["uni"], [good_row(1), good_row(2)])


def test_another_institutions_staff_and_researchers_are_refused(world):
    rows = [good_row(1)]
    for actor in (world["other_staff"], world["researcher"]):
        with Unchanged(), pytest.raises(PermissionDenied):
            import_rows(actor, world["uni"], rows)
        with Unchanged(), pytest.raises(PermissionDenied):
            import_rows(actor, world["uni"], rows, dry_run=True)


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["import"], ["import", "results"]])
def test_import_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: datong import" in out


def test_cli_import(world, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([good_row(1), good_row(2, trl="12"), good_row(3)]).getvalue())
    with Unchanged():
        assert main(["import", "results", str(bad), "--institution", "uni"]) == 1
    captured = capsys.readouterr()
    assert "row 3, 技术成熟度:" in captured.err
    assert "3 rows, 2 valid, 1 with errors; nothing written" in captured.out

    with Unchanged():
        assert main(["import", "results", str(bad), "--institution", "uni", "--dry-run"]) == 1
    capsys.readouterr()
    # Two institutions exist: which one must be said.
    assert main(["import", "results", str(bad)]) == 2
    assert "--institution" in capsys.readouterr().err

    assert main(["import", "results", str(bad), "--institution", "uni", "--valid-only"]) == 1
    assert "2 imported" in capsys.readouterr().out
    assert Result.objects.count() == 2
    assert AuditEntry.objects.get(action="result.import").actor_name == "system"

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([good_row(7)], ["title", "trl"], ["成果名称", "技术成熟度"]))
    with Unchanged():
        assert main(["import", "results", str(good), "--institution", "uni", "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert main(["import", "results", str(good), "--institution", "uni"]) == 0
    assert "1 imported" in capsys.readouterr().out
    assert Result.objects.count() == 3

    template = tmp_path / "template.xlsx"
    assert main(["import", "results", "--template", str(template)]) == 0
    assert load_workbook(template).sheetnames[0] == "成果 Results"
    assert main(["import", "results"]) == 2
    assert main(["import", "results", str(good), "--institution", "nowhere"]) == 2


# --- speed ------------------------------------------------------------------------------


def test_five_hundred_rows_in_well_under_ten_seconds(world):
    rows = [good_row(n, inventors="张三:50;李四:30;王五:20") for n in range(500)]
    started = time.perf_counter()
    parsed = read_rows(xlsx(rows))
    summary = import_rows(world["staff"], world["uni"], parsed)
    seconds = time.perf_counter() - started
    assert summary.imported == 500 and ResultInventor.objects.count() == 1500
    assert seconds < 10, seconds


def test_checking_makes_no_query_per_row(world, django_assert_max_num_queries):
    rows = [good_row(n) for n in range(200)]
    with django_assert_max_num_queries(12):
        assert importer.validate(rows, world["uni"]) == []


# --- the page ---------------------------------------------------------------------------


@pytest.fixture
def imports(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def upload(rows, name="results.xlsx"):
    content = xlsx(rows)
    content.name = name
    return content


@pytest.mark.urls(__name__)
def test_page_is_for_the_office_only(world, client, imports):
    client.force_login(world["researcher"])
    assert client.get(reverse("result-import")).status_code == 403
    assert client.get(reverse("result-import-template")).status_code == 403
    client.force_login(world["other_staff"])
    page = client.get(reverse("result-import"))
    assert page.status_code == 200
    # The other office cannot pick this institution.
    with Unchanged():
        response = client.post(
            reverse("result-import"),
            {"institution": world["uni"].pk, "file": upload([good_row(1)])},
        )
    assert response.status_code == 200 and "summary" not in response.context


@pytest.mark.urls(__name__)
def test_check_then_import_the_valid_rows(world, client, imports):
    client.force_login(world["staff"])
    page = client.get(reverse("result-import"))
    assert page.status_code == 200
    assert reverse("result-import-template") in page.content.decode()
    template = client.get(reverse("result-import-template"))
    assert template["Content-Type"] == importer.XLSX_TYPE
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "成果 Results"

    with Unchanged():
        checked = client.post(
            reverse("result-import"),
            {
                "institution": world["uni"].pk,
                "file": upload([good_row(1), good_row(2, trl="99"), good_row(3)]),
            },
        )
    html = checked.content.decode()
    assert checked.status_code == 200
    assert 'id="import-errors"' in html and "技术成熟度" in html
    assert 'data-action="import-valid"' in html and 'data-action="import-all"' not in html
    token = checked.context["pending"]["token"]
    assert len(list(imports.iterdir())) == 1

    errors = client.get(reverse("result-import-errors", args=[token]))
    assert load_workbook(io.BytesIO(errors.content)).active["A2"].value == 3

    # Another session (even of the same person) cannot use the token.
    other = client.__class__()
    other.force_login(world["staff"])
    with Unchanged():
        response = other.post(reverse("result-import"), {"token": token, "action": "valid"})
    assert response.status_code == 302

    done = client.post(reverse("result-import"), {"token": token, "action": "valid"})
    assert done.status_code == 200
    assert 'data-imported="2"' in done.content.decode()
    assert Result.objects.filter(institution=world["uni"]).count() == 2
    assert list(imports.iterdir()) == []
    # The token is spent.
    with Unchanged():
        again = client.post(reverse("result-import"), {"token": token, "action": "valid"})
    assert again.status_code == 302


@pytest.mark.urls(__name__)
def test_import_all_and_discard(world, client, imports):
    client.force_login(world["staff"])
    checked = client.post(
        reverse("result-import"),
        {"institution": world["uni"].pk, "file": upload([good_row(1), good_row(2)])},
    )
    assert 'data-action="import-all"' in checked.content.decode()
    token = checked.context["pending"]["token"]
    with Unchanged():
        client.post(reverse("result-import"), {"token": token, "action": "cancel"})
    assert list(imports.iterdir()) == []

    checked = client.post(
        reverse("result-import"),
        {"institution": world["uni"].pk, "file": upload([good_row(1), good_row(2)], "r.csv")},
    )
    # A .csv name with workbook content is not a readable CSV: the form says so.
    assert checked.context["form"].errors

    checked = client.post(
        reverse("result-import"),
        {"institution": world["uni"].pk, "file": upload([good_row(1), good_row(2)])},
    )
    token = checked.context["pending"]["token"]
    done = client.post(reverse("result-import"), {"token": token, "action": "all"})
    assert 'data-imported="2"' in done.content.decode()
    assert Result.objects.count() == 2
    assert AuditEntry.objects.filter(action="result.import").count() == 1


def test_similar_registered_results_are_warned_with_their_similarity(world):
    from datong.institutions.factories import AllianceFactory, AllianceMemberFactory

    uni, staff = world["uni"], world["staff"]
    import_rows(staff, uni, [good_row(1)])
    # A partner in the same alliance holds a similar result: reported as a count only.
    alliance = AllianceFactory()
    AllianceMemberFactory(alliance=alliance, institution=uni)
    AllianceMemberFactory(alliance=alliance, institution=world["other"])
    import_rows(world["other_staff"], world["other"], [good_row(5, department="医学院")])
    rows = read_rows(
        xlsx(
            [
                good_row(2),
                good_row(
                    3,
                    title="一种小麦抗旱品种的选育方法",
                    abstract="通过分子标记辅助选择培育抗旱小麦。",
                    keywords="小麦、抗旱、育种",
                ),
            ]
        )
    )
    summary = import_rows(staff, uni, rows, dry_run=True)
    messages = [(w.row, w.message) for w in summary.warnings]
    similar = [m for r, m in messages if r == 2 and "%" in m]
    assert similar and f"R{YEAR}-00001" in similar[0]
    assert any(r == 2 and "1" in m and "%" not in m for r, m in messages)  # the alliance count
    assert "R2" not in " ".join(m for r, m in messages if r == 3)  # the wheat row is unlike
    assert not any(world["other"].name in m for _r, m in messages)  # nothing of the partner's
