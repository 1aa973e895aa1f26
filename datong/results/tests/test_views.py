"""Disclosure and results pages: the multi-step form, scoping (404), downloads, the office's
review through the pages, the registry with its export and timeline, and data quality."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from datong.core.roles import Role
from datong.institutions.factories import DepartmentFactory, InstitutionFactory, member_of
from datong.results import services
from datong.results.models import (
    Disclosure,
    DisclosureStatus,
    PatentabilityReport,
    Result,
    ResultStatus,
    ReviewScore,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test report\n" + b"0" * 2000
ABSTRACT = (
    "本发明提出一种基于深度学习的锂电池健康状态估计方法，通过采集充放电过程中的电压、电流"
    "与温度曲线，实现对电池剩余容量的在线预测。"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a")
    b = InstitutionFactory(slug="uni-b")
    dept = DepartmentFactory(institution=a)
    return {
        "a": a,
        "b": b,
        "dept": dept,
        "researcher": member_of(a, Role.RESEARCHER, name="李明"),
        "colleague": member_of(a, Role.RESEARCHER, name="王芳"),
        "staff": member_of(a, Role.TTO_STAFF, name="赵处长"),
        "manager": member_of(a, Role.TECH_MANAGER, name="陈经理"),
        "staff_b": member_of(b, Role.TTO_STAFF, name="外校老师"),
    }


def login(client, user):
    client.force_login(user)
    client.cookies["datong_language"] = "en"
    return client


def filled(world, title="锂电池健康状态在线估计方法", **extra) -> Disclosure:
    d = services.disclosure_create(actor=world["researcher"], institution=world["a"], title=title)
    data = {
        "abstract": ABSTRACT,
        "problem": "现有方法依赖实验室设备。",
        "industry": "38",
        "trl": 4,
        "keywords": "锂电池, 健康状态, 深度学习",
        "intended_protection": ["invention_patent"],
        **extra,
    }
    return services.disclosure_update(actor=world["researcher"], disclosure=d, data=data, step=4)


def submitted(world, **extra) -> Disclosure:
    d = filled(world, **extra)
    return services.disclosure_submit(actor=world["researcher"], disclosure=d)


def edit_url(d, step):
    return reverse("disclosure-edit", args=[d.pk, step])


def formset(prefix, rows, initial=0, total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# --- the researcher's multi-step form ---------------------------------------------------------


def test_the_multi_step_flow_saves_each_step_and_submits(client, world):
    login(client, world["researcher"])
    response = client.post(
        reverse("disclosure-create"), {"institution": world["a"].pk, "title": "柔性汗液传感器"}
    )
    d = Disclosure.objects.get(title="柔性汗液传感器")
    assert response.status_code == 302
    assert response["Location"] == edit_url(d, 1)

    response = client.post(
        edit_url(d, 1),
        {
            "title": "柔性汗液传感器",
            "title_en": "Flexible sweat sensor",
            "abstract": ABSTRACT,
            "problem": "难以连续监测。",
            "advantages": "",
            "applications": "可穿戴设备",
            "action": "next",
        },
    )
    assert response["Location"] == edit_url(d, 2)
    d.refresh_from_db()
    assert (d.title_en, d.step, d.applications) == ("Flexible sweat sensor", 1, "可穿戴设备")

    response = client.post(
        edit_url(d, 2),
        {
            "industry": "38",
            "sei": "5",
            "keywords": "传感器，柔性 汗液",
            "trl": "3",
            "intended_protection": ["invention_patent", "utility_model"],
            "department": str(world["dept"].pk),
            "action": "save",
        },
    )
    assert response["Location"] == edit_url(d, 2)  # "Save" stays on the step
    d.refresh_from_db()
    assert d.industry.code == "38" and d.sei.code == "5" and d.trl == 3
    assert d.keywords == ["传感器", "柔性", "汗液"]
    assert d.intended_protection == ["invention_patent", "utility_model"]
    assert d.department == world["dept"] and d.step == 2
    page = client.get(edit_url(d, 2)).content.decode()
    assert "<optgroup" in page and "TRL 3" in page

    data = {
        **formset(
            "funding",
            [{"project": "国家自然科学基金", "number": "52177001", "funder": "国家自然科学基金委"}],
            total=3,
        ),
        **formset(
            "prior",
            [
                {"kind": "paper", "title": "Old paper", "date": "2020-01-05", "venue": "Nature"},
                {"kind": "paper", "title": "", "date": "", "venue": ""},
            ],
            total=3,
        ),
        "action": "next",
    }
    response = client.post(edit_url(d, 3), data)
    assert response["Location"] == edit_url(d, 4)
    d.refresh_from_db()
    assert d.funding == [
        {"project": "国家自然科学基金", "number": "52177001", "funder": "国家自然科学基金委"}
    ]
    assert d.prior_disclosures[0]["date"] == "2020-01-05" and d.step == 3
    # The old paper is outside the grace period: a warning, not an error.
    page = client.get(edit_url(d, 3)).content.decode()
    assert "grace period" in page and "Old paper" in page

    data = formset(
        "inv",
        [
            {
                "user": str(world["researcher"].pk),
                "share": "60",
                "paid_here": "on",
                "is_main": "on",
            },
            {"name": "Anna Schmidt", "institution_name": "TU München", "share": "40"},
        ],
        initial=1,
        total=4,
    )
    response = client.post(edit_url(d, 4), {**data, "action": "next"})
    assert response["Location"] == edit_url(d, 5)
    d.refresh_from_db()
    inventors = list(d.inventors.order_by("position"))
    assert [(i.name, i.share, i.paid_here) for i in inventors] == [
        ("李明", 60, True),
        ("Anna Schmidt", 40, False),
    ]
    assert d.step == 4

    upload = SimpleUploadedFile("数据.pdf", PDF, content_type="application/pdf")
    response = client.post(edit_url(d, 5), {"file": upload})
    assert response["Location"] == edit_url(d, 5)
    page = client.get(edit_url(d, 5)).content.decode()
    assert "数据.pdf" in page and "Before you can submit" not in page

    response = client.post(reverse("disclosure-submit", args=[d.pk]))
    assert response["Location"] == reverse("disclosure-detail", args=[d.pk])
    d.refresh_from_db()
    assert d.status == DisclosureStatus.SUBMITTED and d.number.startswith("D")
    # A submitted disclosure is no longer editable: the form sends back to the detail page.
    assert client.get(edit_url(d, 1))["Location"] == reverse("disclosure-detail", args=[d.pk])


def test_submission_problems_are_listed_and_block_the_submit(client, world):
    login(client, world["researcher"])
    d = services.disclosure_create(actor=world["researcher"], institution=world["a"], title="x")
    page = client.get(edit_url(d, 5)).content.decode()
    assert "Before you can submit" in page and "Choose the readiness level." in page
    response = client.post(reverse("disclosure-submit", args=[d.pk]), follow=True)
    assert "Choose the readiness level." in response.content.decode()
    d.refresh_from_db()
    assert d.status == DisclosureStatus.DRAFT


def test_shares_not_totalling_100_are_refused_with_the_message(client, world):
    login(client, world["researcher"])
    d = filled(world)
    data = formset(
        "inv",
        [
            {"user": str(world["researcher"].pk), "share": "50", "paid_here": "on"},
            {"user": str(world["colleague"].pk), "share": "20", "paid_here": "on"},
        ],
        initial=1,
        total=4,
    )
    response = client.post(edit_url(d, 4), {**data, "action": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="share-errors"' in page
    assert "The shares total 70.00 %: 30.00 % are still to be given." in page
    assert [(i.user_id, i.share) for i in d.inventors.all()] == [(world["researcher"].pk, 100)]


def test_a_bad_classification_is_shown_next_to_the_field(client, world):
    login(client, world["researcher"])
    d = filled(world)
    response = client.post(edit_url(d, 2), {"industry": "", "trl": "12", "action": "save"})
    assert response.status_code == 200
    assert response.context["form"].errors  # the form refused "12" before the service
    d.refresh_from_db()
    assert d.trl == 4


def test_a_colleague_confirms_their_share_on_the_detail_page(client, world):
    d = filled(world)
    services.inventors_set(
        actor=world["researcher"],
        disclosure=d,
        inventors=[
            {"user": world["researcher"], "share": "70"},
            {"user": world["colleague"], "share": "30"},
        ],
    )
    login(client, world["colleague"])
    page = client.get(reverse("disclosure-detail", args=[d.pk])).content.decode()
    assert "Confirm my share" in page
    response = client.post(reverse("disclosure-confirm", args=[d.pk]))
    assert response.status_code == 302
    assert d.inventors.get(user=world["colleague"]).confirmed_at is not None
    # The colleague sees it but may not edit it.
    assert client.get(edit_url(d, 1)).status_code == 403


# --- scoping -----------------------------------------------------------------------------------


def _attachment(world, d):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    return services.attachment_add(actor=world["researcher"], disclosure=d, upload=upload)


def test_another_institutions_staff_gets_404(client, world):
    d = filled(world)
    attachment = _attachment(world, d)
    services.disclosure_submit(actor=world["researcher"], disclosure=d)
    services.disclosure_decide(actor=world["staff"], disclosure=d, decision="keep_secret")
    result = Disclosure.objects.get(pk=d.pk).result
    login(client, world["staff_b"])
    for url in (
        reverse("disclosure-detail", args=[d.pk]),
        reverse("attachment-download", args=[d.pk, attachment.pk]),
        reverse("result-detail", args=[result.pk]),
        reverse("result-edit", args=[result.pk]),
        reverse("result-merge", args=[result.pk]),
        edit_url(d, 1),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("disclosure-assign", args=[d.pk])).status_code == 404
    assert client.get(reverse("result-quality"), {"institution": "uni-a"}).status_code == 404
    listing = client.get(reverse("result-list"))
    assert listing.context["page"].paginator.count == 0


def test_a_researcher_who_is_not_an_inventor_gets_404(client, world):
    d = filled(world)
    attachment = _attachment(world, d)
    login(client, world["colleague"])
    assert client.get(reverse("disclosure-detail", args=[d.pk])).status_code == 404
    url = reverse("attachment-download", args=[d.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("disclosure-comment", args=[d.pk]), {"body": "x"}).status_code == 404
    mine = client.get(reverse("disclosure-list"))
    assert mine.context["page"].paginator.count == 0
    assert "Office queue" not in mine.content.decode()


def test_the_attachment_download_returns_the_file_to_the_inventor(client, world):
    d = filled(world)
    attachment = _attachment(world, d)
    login(client, world["researcher"])
    response = client.get(reverse("attachment-download", args=[d.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "report.pdf" in response["Content-Disposition"]
    # An attachment id of another disclosure is not found through this one.
    other = filled(world, title="另一项")
    assert (
        client.get(reverse("attachment-download", args=[other.pk, attachment.pk])).status_code
        == 404
    )


def test_a_researcher_sees_no_office_actions(client, world):
    d = submitted(world)
    login(client, world["researcher"])
    page = client.get(reverse("disclosure-detail", args=[d.pk])).content.decode()
    assert "Review checklist" not in page
    response = client.post(reverse("disclosure-decide", args=[d.pk]), {"decision": "release"})
    assert response.status_code == 403


# --- the office's review through the pages -------------------------------------------------


def test_office_staff_assign_score_report_and_decide(client, world):
    d = submitted(world)
    login(client, world["staff"])
    queue = client.get(reverse("disclosure-list"), {"box": "office"})
    assert [x.pk for x in queue.context["page"].object_list] == [d.pk]
    detail = reverse("disclosure-detail", args=[d.pk])

    response = client.post(
        reverse("disclosure-assign", args=[d.pk]), {"manager": world["manager"].pk}
    )
    assert response["Location"] == detail
    d.refresh_from_db()
    assert d.manager == world["manager"] and d.status == DisclosureStatus.IN_REVIEW

    response = client.post(
        reverse("disclosure-score", args=[d.pk]),
        {"score_novelty": "4", "comment_novelty": "新颖", "score_market": "5"},
    )
    assert response["Location"] == detail
    assert sorted(ReviewScore.objects.values_list("criterion__code", "score")) == [
        ("market", 5),
        ("novelty", 4),
    ]
    page = client.get(detail)
    review = page.context["review"]
    assert review["total"] == pytest.approx(4.5)  # both weigh 30
    assert "4.50 / 5" in page.content.decode()

    # Protecting needs a report first: the service's message is shown on the decide form.
    response = client.post(
        reverse("disclosure-decide", args=[d.pk]),
        {"decision": "protect", "protection_type": "invention_patent"},
    )
    assert response.status_code == 200
    assert (
        "Attach a patentability or novelty-search report before deciding to protect."
        in response.content.decode()
    )
    d.refresh_from_db()
    assert d.status == DisclosureStatus.IN_REVIEW

    response = client.post(
        reverse("disclosure-report", args=[d.pk]),
        {
            "conclusion": "patentable",
            "summary": "未检索到影响新颖性的文献。",
            "report_date": "2026-01-05",
            "provider_name": "新禾专利代理",
            "file": SimpleUploadedFile("查新报告.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response["Location"] == detail
    report = PatentabilityReport.objects.get(disclosure=d)
    assert report.provider_name == "新禾专利代理"
    assert report.attachment.original_name == "查新报告.pdf"

    response = client.post(
        reverse("disclosure-decide", args=[d.pk]),
        {"decision": "protect", "protection_type": "invention_patent", "note": "尽快申请"},
    )
    assert response["Location"] == detail
    d.refresh_from_db()
    assert d.status == DisclosureStatus.DECIDED
    result = d.result
    assert result.status == ResultStatus.PROTECTING

    registry = client.get(reverse("result-list"))
    assert [r.pk for r in registry.context["page"].object_list] == [result.pk]
    page = client.get(reverse("result-detail", args=[result.pk]))
    body = page.content.decode()
    labels = [entry["label"] for entry in page.context["timeline"]]
    assert sorted(labels) == ["Disclosure submitted", "Patentability report", "Result registered"]
    assert labels[-1] == "Result registered"
    assert reverse("disclosure-detail", args=[d.pk]) in body
    assert result.number in body

    # A colleague who is a member sees the result but not the confidential disclosure behind it.
    login(client, world["colleague"])
    body = client.get(reverse("result-detail", args=[result.pk])).content.decode()
    assert result.title in body
    assert reverse("disclosure-detail", args=[d.pk]) not in body


def test_a_refused_report_keeps_no_attachment(client, world):
    d = submitted(world)
    login(client, world["staff"])
    response = client.post(
        reverse("disclosure-report", args=[d.pk]),
        {
            "conclusion": "patentable",
            "summary": "x",
            "report_date": "2099-01-01",
            "file": SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "not in the future" in response.content.decode()
    assert not d.attachments.exists() and not d.reports.exists()


def test_return_and_internal_comments(client, world):
    d = submitted(world)
    login(client, world["staff"])
    client.post(reverse("disclosure-comment", args=[d.pk]), {"body": "内部意见", "internal": "on"})
    response = client.post(reverse("disclosure-return", args=[d.pk]), {"message": "请补充实验数据"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == DisclosureStatus.RETURNED
    login(client, world["researcher"])
    page = client.get(reverse("disclosure-detail", args=[d.pk])).content.decode()
    assert "请补充实验数据" in page and "内部意见" not in page
    assert client.get(edit_url(d, 1)).status_code == 200  # returned: editable again


# --- the registry --------------------------------------------------------------------------


def _two_results(world):
    first = submitted(world, title_en="Battery health")
    services.disclosure_report_add(
        actor=world["staff"],
        disclosure=first,
        conclusion="patentable",
        summary="ok",
        report_date=first.submitted_at.date(),
    )
    services.disclosure_decide(
        actor=world["staff"],
        disclosure=first,
        decision="protect",
        protection_type="invention_patent",
    )
    second = submitted(world, title="一种氮化硼导热复合材料", keywords="氮化硼, 导热, 材料")
    services.disclosure_decide(actor=world["staff"], disclosure=second, decision="keep_secret")
    first.refresh_from_db()
    second.refresh_from_db()
    return first.result, second.result


def test_registry_search_filters_and_htmx(client, world):
    protected, secret = _two_results(world)
    login(client, world["researcher"])  # an inventor and member sees the registry
    url = reverse("result-list")
    assert client.get(url, {"q": "氮化硼"}).context["page"].object_list[0] == secret
    assert [r.pk for r in client.get(url, {"q": "battery"}).context["page"]] == [protected.pk]
    assert [r.pk for r in client.get(url, {"status": "secret"}).context["page"]] == [secret.pk]
    assert client.get(url, {"industry": "C"}).context["page"].paginator.count == 2
    assert client.get(url, {"ip_type": "technical_secret"}).context["page"].paginator.count == 1
    partial = client.get(url, {"q": "氮化硼"}, HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "results/partials/result_table.html"
    assert "<html" not in partial.content.decode()


def test_export_returns_a_workbook_with_the_filtered_rows(client, world):
    protected, _secret = _two_results(world)
    login(client, world["staff"])
    response = client.get(reverse("result-list"), {"status": "protecting", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[0][0] == "Number" and rows[0][-1] == "Created"
    assert rows[1][0] == protected.number
    assert rows[1][1] == protected.title and rows[1][2] == "Battery health"
    assert rows[1][6] == 4 and "Invention patent" in rows[1][7]
    assert "李明 (100%)" in rows[1][10]
    csv_response = client.get(reverse("result-list"), {"status": "secret", "export": "csv"})
    text = csv_response.content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2


def test_office_edits_and_merges_results(client, world):
    protected, secret = _two_results(world)
    login(client, world["staff"])
    response = client.post(
        reverse("result-edit", args=[secret.pk]),
        {
            "title": secret.title,
            "title_en": "Boron nitride composite",
            "abstract": secret.abstract,
            "industry": "30",
            "keywords": "氮化硼, 导热, 材料, 封装",
            "trl": "5",
            "ip_types": ["technical_secret"],
            "department": "",
        },
    )
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.title_en == "Boron nitride composite" and secret.industry.code == "30"
    assert secret.events.filter(kind="result.updated").exists()

    response = client.get(reverse("result-merge", args=[secret.pk]), {"target": protected.pk})
    assert response.status_code == 200
    assert f'value="{protected.pk}" checked' in response.content.decode()
    response = client.post(reverse("result-merge", args=[secret.pk]), {"target": protected.pk})
    assert response["Location"] == reverse("result-detail", args=[protected.pk])
    secret.refresh_from_db()
    assert secret.status == ResultStatus.MERGED and secret.merged_into == protected
    page = client.get(reverse("result-detail", args=[protected.pk])).content.decode()
    assert reverse("result-detail", args=[secret.pk]) in page  # merged-from link

    login(client, world["researcher"])
    assert client.get(reverse("result-edit", args=[protected.pk])).status_code == 403


# --- data quality --------------------------------------------------------------------------


def test_quality_page_for_staff_and_404_for_a_researcher(client, world):
    _two_results(world)
    Result.objects.create(institution=world["a"], number="R2024-00001", title="残缺记录")
    login(client, world["staff"])
    response = client.get(reverse("result-quality"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report["institution"] == world["a"] and report["total"] == 3
    assert "残缺记录" in response.content.decode()

    export = client.get(reverse("result-quality"), {"institution": "uni-a", "export": "xlsx"})
    workbook = load_workbook(io.BytesIO(export.content))
    assert len(workbook.sheetnames) == 5
    below = workbook.worksheets[1]
    assert [row[1] for row in below.iter_rows(min_row=2, values_only=True)] == ["残缺记录"]

    login(client, world["researcher"])
    assert client.get(reverse("result-quality")).status_code == 404
    assert client.get(reverse("result-quality"), {"institution": "uni-a"}).status_code == 404


def test_the_office_sees_similar_results_with_their_similarity(client, world):
    first = submitted(world)
    services.disclosure_decide(actor=world["staff"], disclosure=first, decision="keep_secret")
    first.refresh_from_db()
    second = submitted(world, title="一种锂电池健康状态在线估计方法")
    login(client, world["staff"])
    page = client.get(reverse("disclosure-detail", args=[second.pk])).content.decode()
    assert 'id="similar-results"' in page
    assert first.result.number in page
    # The researcher's view of the same page shows no office panel at all.
    login(client, world["researcher"])
    page = client.get(reverse("disclosure-detail", args=[second.pk])).content.decode()
    assert 'id="similar-results"' not in page
