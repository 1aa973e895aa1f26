"""Disclosure workflow and registry services: allowed paths, refusals, audit and timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import DepartmentFactory, InstitutionFactory, member_of
from datong.notifications.models import Notification
from datong.results import services
from datong.results.models import (
    Decision,
    DisclosureStatus,
    Result,
    ResultStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni():
    return InstitutionFactory(slug="uni", name="甲大学")


@pytest.fixture
def people(uni):
    dept = DepartmentFactory(institution=uni, name="材料学院")
    return {
        "alice": member_of(uni, Role.RESEARCHER, name="张丽", department=dept),
        "bob": member_of(uni, Role.RESEARCHER, name="王波"),
        "carol": member_of(uni, Role.RESEARCHER, name="陈卡"),
        "office": member_of(uni, Role.TTO_STAFF, name="刘办"),
        "manager": member_of(uni, Role.TECH_MANAGER, name="赵经理"),
        "outsider_staff": member_of(InstitutionFactory(slug="other"), Role.TTO_STAFF),
        "dept": dept,
    }


def complete_draft(actor, uni, **extra):
    disclosure = services.disclosure_create(
        actor=actor,
        institution=uni,
        title="一种高容量锂硫电池正极材料的制备方法",
        abstract="本发明公开了一种锂硫电池正极材料及其制备方法，通过多孔碳骨架负载硫，提高循环稳定性。",
        problem="硫正极体积膨胀与穿梭效应",
        industry="38",
        trl=4,
        intended_protection=["invention_patent"],
        keywords="锂硫电池、正极材料、多孔碳",
        **extra,
    )
    return disclosure


def test_a_researcher_drafts_and_is_the_first_inventor(uni, people):
    d = complete_draft(people["alice"], uni)
    assert d.status == DisclosureStatus.DRAFT
    assert d.department == people["dept"]  # taken from the discloser's membership
    assert d.keywords == ["锂硫电池", "正极材料", "多孔碳"]
    (inventor,) = d.inventors.all()
    assert inventor.user == people["alice"] and inventor.share == 100 and inventor.confirmed_at
    assert AuditEntry.objects.filter(action="disclosure.create", object_id=str(d.pk)).exists()


def test_only_members_disclose(uni, people):
    with Unchanged(), pytest.raises(PermissionDenied):
        complete_draft(people["outsider_staff"], uni)


def test_bad_classification_values_are_refused_by_field(uni, people):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.disclosure_create(
            actor=people["alice"],
            institution=uni,
            title="x",
            industry="C",
            trl=12,
            intended_protection=["nope"],
        )
    assert set(caught.value.message_dict) == {"industry", "trl", "intended_protection"}


def test_shares_must_total_100_and_the_error_says_by_how_much(uni, people):
    d = complete_draft(people["alice"], uni)
    with pytest.raises(ValidationError) as caught:
        services.inventors_set(
            actor=people["alice"],
            disclosure=d,
            inventors=[
                {"user": people["alice"].pk, "share": "60"},
                {
                    "name": "External Li",
                    "institution_name": "乙研究所",
                    "share": "30",
                    "paid_here": False,
                },
            ],
        )
    assert "10.00" in caught.value.message_dict["inventors"][0]
    with pytest.raises(ValidationError) as caught:
        services.inventors_set(
            actor=people["alice"],
            disclosure=d,
            inventors=[
                {"user": people["alice"].pk, "share": "70"},
                {"user": people["bob"].pk, "share": "45"},
            ],
        )
    assert "15.00" in caught.value.message_dict["inventors"][0]
    assert d.inventors.count() == 1  # untouched


def test_every_internal_inventor_confirms_before_submission(uni, people):
    d = complete_draft(people["alice"], uni)
    services.inventors_set(
        actor=people["alice"],
        disclosure=d,
        inventors=[
            {"user": people["alice"].pk, "share": "60", "is_main": True},
            {"user": people["bob"].pk, "share": "40"},
        ],
    )
    assert Notification.objects.filter(user=people["bob"]).count() == 1
    with pytest.raises(ValidationError) as caught:
        services.disclosure_submit(actor=people["alice"], disclosure=d)
    assert any("王波" in m for m in caught.value.messages)
    # Only Bob can confirm Bob's share.
    bob_row = d.inventors.get(user=people["bob"])
    with pytest.raises(PermissionDenied):
        services.inventor_confirm(actor=people["alice"], inventor=bob_row)
    services.inventor_confirm(actor=people["bob"], inventor=bob_row)
    d = services.disclosure_submit(actor=people["alice"], disclosure=d)
    assert d.status == DisclosureStatus.SUBMITTED
    assert d.number == f"D{timezone.localdate().year}-0001"
    # The office is told.
    assert Notification.objects.filter(user=people["office"]).exists()
    # A submitted disclosure is frozen for the researcher.
    with pytest.raises(ValidationError):
        services.disclosure_update(actor=people["alice"], disclosure=d, data={"title": "改"})


def test_a_changed_share_needs_a_new_confirmation(uni, people):
    d = complete_draft(people["alice"], uni)
    rows = [{"user": people["alice"].pk, "share": "50"}, {"user": people["bob"].pk, "share": "50"}]
    services.inventors_set(actor=people["alice"], disclosure=d, inventors=rows)
    services.inventor_confirm(actor=people["bob"], inventor=d.inventors.get(user=people["bob"]))
    rows[1]["share"] = "40"
    rows[0]["share"] = "60"
    services.inventors_set(actor=people["alice"], disclosure=d, inventors=rows)
    assert d.inventors.get(user=people["bob"]).confirmed_at is None


def test_prior_disclosure_older_than_grace_period_is_a_warning(uni, people):
    old = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    recent = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    d = complete_draft(
        people["alice"],
        uni,
        prior_disclosures=[
            {"kind": "paper", "title": "旧论文", "date": old, "venue": "材料学报"},
            {"kind": "talk", "title": "新报告", "date": recent},
        ],
    )
    warnings = services.prior_disclosure_warnings(d)
    assert [w["title"] for w in warnings] == ["旧论文"]
    with pytest.raises(ValidationError):
        services.disclosure_update(
            actor=people["alice"],
            disclosure=d,
            data={"prior_disclosures": [{"kind": "paper", "title": "x", "date": "2020-13-01"}]},
        )


def test_attachments_are_checked_by_type_and_content(uni, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = complete_draft(people["alice"], uni)
    pdf = SimpleUploadedFile("说明书.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    attachment = services.attachment_add(actor=people["alice"], disclosure=d, upload=pdf)
    assert attachment.original_name == "说明书.pdf" and attachment.size == 13
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=people["alice"], disclosure=d, upload=SimpleUploadedFile("x.exe", b"MZ")
        )
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=people["alice"], disclosure=d, upload=SimpleUploadedFile("fake.pdf", b"<html>")
        )
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            actor=people["bob"], disclosure=d, upload=SimpleUploadedFile("b.pdf", b"%PDF-")
        )


def submitted(people, uni):
    d = complete_draft(people["alice"], uni)
    return services.disclosure_submit(actor=people["alice"], disclosure=d)


def test_office_review_and_protect_decision_creates_a_result(uni, people):
    d = submitted(people, uni)
    with pytest.raises(PermissionDenied):
        services.disclosure_assign(
            actor=people["outsider_staff"], disclosure=d, manager=people["manager"]
        )
    with pytest.raises(ValidationError):
        services.disclosure_assign(actor=people["office"], disclosure=d, manager=people["bob"])
    services.disclosure_assign(actor=people["office"], disclosure=d, manager=people["manager"])
    assert d.status == DisclosureStatus.IN_REVIEW
    services.disclosure_score(
        actor=people["manager"],
        disclosure=d,
        scores={"novelty": (4, "创新点明确"), "market": 3, "ip_position": 4, "team": 5},
    )
    assert d.scores.count() == 4
    with pytest.raises(ValidationError):
        services.disclosure_score(actor=people["manager"], disclosure=d, scores={"novelty": 6})
    # Protecting needs a patentability report first.
    with Unchanged(), pytest.raises(ValidationError):
        services.disclosure_decide(
            actor=people["manager"],
            disclosure=d,
            decision=Decision.PROTECT,
            protection_type="invention_patent",
        )
    services.disclosure_report_add(
        actor=people["manager"],
        disclosure=d,
        conclusion="patentable",
        summary="检索到3篇相关文献，未破坏新颖性。",
        report_date=timezone.localdate(),
        provider_name="新禾专利代理",
    )
    services.disclosure_decide(
        actor=people["manager"],
        disclosure=d,
        decision=Decision.PROTECT,
        protection_type="invention_patent",
        note="建议申请发明专利",
    )
    d.refresh_from_db()
    result = d.result
    assert d.status == DisclosureStatus.DECIDED and result is not None
    assert result.status == ResultStatus.PROTECTING and result.ip_types == ["invention_patent"]
    assert result.number == f"R{timezone.localdate().year}-00001"
    assert [i.name for i in result.inventors.all()] == ["张丽"]
    assert result.completeness > 0 and "锂硫电池" in result.search_text
    kinds = list(result.events.values_list("kind", flat=True))
    assert kinds == ["disclosure.submitted", "disclosure.report", "result.created"]
    assert (
        Notification.objects.filter(user=people["alice"], title__contains="Decision").exists()
        or Notification.objects.filter(user=people["alice"]).count() >= 2
    )


def test_return_for_information_and_resubmit(uni, people):
    d = submitted(people, uni)
    with pytest.raises(ValidationError):
        services.disclosure_return(actor=people["office"], disclosure=d, message=" ")
    services.disclosure_return(actor=people["office"], disclosure=d, message="请补充实验数据")
    assert d.status == DisclosureStatus.RETURNED
    services.disclosure_update(
        actor=people["alice"], disclosure=d, data={"advantages": "循环寿命提高"}
    )
    d = services.disclosure_submit(actor=people["alice"], disclosure=d)
    assert d.number == f"D{timezone.localdate().year}-0001"  # the number is kept


def test_keep_secret_release_and_merge(uni, people):
    first = submitted(people, uni)
    services.disclosure_decide(
        actor=people["office"], disclosure=first, decision=Decision.KEEP_SECRET
    )
    first.refresh_from_db()
    assert first.result.status == ResultStatus.SECRET
    second = submitted(people, uni)
    with pytest.raises(ValidationError):
        services.disclosure_decide(
            actor=people["office"], disclosure=second, decision=Decision.MERGE
        )
    services.disclosure_decide(
        actor=people["office"], disclosure=second, decision=Decision.MERGE, merge_into=first.result
    )
    second.refresh_from_db()
    assert second.result == first.result
    assert first.result.events.filter(kind="disclosure.merged").exists()
    third = submitted(people, uni)
    services.disclosure_decide(actor=people["office"], disclosure=third, decision=Decision.RELEASE)
    third.refresh_from_db()
    assert third.result is None and third.decision == Decision.RELEASE
    assert Result.objects.count() == 1


def test_merging_results_keeps_both_histories(uni, people):
    a = submitted(people, uni)
    services.disclosure_decide(actor=people["office"], disclosure=a, decision=Decision.KEEP_SECRET)
    b = submitted(people, uni)
    services.disclosure_decide(actor=people["office"], disclosure=b, decision=Decision.KEEP_SECRET)
    a.refresh_from_db()
    b.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.result_merge(actor=people["alice"], source=b.result, target=a.result)
    services.result_merge(actor=people["office"], source=b.result, target=a.result)
    b.result.refresh_from_db()
    assert b.result.status == ResultStatus.MERGED and b.result.merged_into == a.result
    assert b.result.events.filter(kind="result.merged_into").exists()
    assert a.result.events.filter(kind="result.merged_from").exists()
    assert b.result.events.filter(kind="result.created").exists()  # its own history stays
    with pytest.raises(ValidationError):
        services.result_merge(actor=people["office"], source=b.result, target=a.result)


def test_result_update_recomputes_completeness_and_is_audited(uni, people):
    d = submitted(people, uni)
    services.disclosure_decide(actor=people["office"], disclosure=d, decision=Decision.KEEP_SECRET)
    d.refresh_from_db()
    result = d.result
    before = result.completeness
    services.result_update(
        actor=people["office"],
        result=result,
        data={
            "title_en": "Cathode for Li-S batteries",
            "sei": "3",
            "department": people["dept"].pk,
        },
    )
    result.refresh_from_db()
    assert result.completeness == before + 5 + 5  # English title and SEI category
    entry = AuditEntry.objects.filter(action="result.update").latest("at")
    assert set(entry.changes) == {"title_en", "sei"}  # the department was already that one
    with pytest.raises(PermissionDenied):
        services.result_update(actor=people["alice"], result=result, data={"title": "改"})


def test_share_helper_precision():
    services.check_shares([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    with pytest.raises(ValidationError):
        services.check_shares([Decimal("33.33")] * 3)


def test_related_results_by_number(uni, people):
    first = submitted(people, uni)
    services.disclosure_decide(
        actor=people["office"], disclosure=first, decision=Decision.KEEP_SECRET
    )
    first.refresh_from_db()
    number = first.result.number
    d = complete_draft(people["alice"], uni, related_results=number)
    assert [r.number for r in d.related_results.all()] == [number]
    with pytest.raises(ValidationError) as caught:
        services.disclosure_update(
            actor=people["alice"], disclosure=d, data={"related_results": f"{number}, R1999-00001"}
        )
    assert "R1999-00001" in caught.value.message_dict["related_results"][0]
    services.disclosure_update(actor=people["alice"], disclosure=d, data={"related_results": ""})
    assert not d.related_results.exists()
    entry = AuditEntry.objects.filter(action="disclosure.update").latest("at")
    assert entry.changes["related_results"] == [[number], []]
