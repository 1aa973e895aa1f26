"""Cooperation agreements: the office writes them, everyone else is refused and leaves nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.reports.dashboards import services
from datong.reports.dashboards.models import AgreementYear, CooperationAgreement

DATA = {
    "title": "甲大学—长沙市产学研合作协议",
    "partner_province": "430000",
    "partner_city": "长沙市",
    "signed_year": 2008,
    "year_from": 2009,
    "year_to": 2018,
    "centre_name": "甲大学长沙技术转移中心",
}


def make(dw, **extra):
    return services.agreement_create(
        actor=dw["office"], institution=dw["uni"], data={**DATA, **extra}
    )


def test_create_update_delete_are_audited(dw):
    agreement = make(dw)
    assert agreement.partner_display == "湖南省 · 长沙市"
    assert AuditEntry.objects.filter(
        action="dashboards.agreement_create", object_id=str(agreement.pk)
    ).exists()
    services.agreement_update(
        actor=dw["office"], agreement=agreement, data={"centre_name": "新中心"}
    )
    agreement.refresh_from_db()
    assert agreement.centre_name == "新中心"
    entry = AuditEntry.objects.get(action="dashboards.agreement_update")
    assert entry.changes["centre_name"] == ["甲大学长沙技术转移中心", "新中心"]
    services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2010, projects=4, contract_total="1200000"
    )
    services.agreement_delete(actor=dw["office"], agreement=agreement)
    assert not CooperationAgreement.objects.exists() and not AgreementYear.objects.exists()
    assert AuditEntry.objects.filter(action="dashboards.agreement_delete").exists()


def test_yearly_figures_set_and_correct(dw):
    agreement = make(dw)
    services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2010, projects=4, contract_total="1,200,000"
    )
    row = services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2010, projects=5, contract_total="1300000.5"
    )
    assert AgreementYear.objects.count() == 1
    assert (row.projects, row.contract_total) == (5, Decimal("1300000.50"))
    assert AuditEntry.objects.filter(action="dashboards.agreement_year").count() == 2
    services.agreement_year_delete(actor=dw["office"], agreement=agreement, year=2010)
    assert not AgreementYear.objects.exists()


@pytest.mark.parametrize("who", ["researcher", "office2", "alliance_admin", "observer", "buyer"])
def test_others_are_refused_and_nothing_is_written(dw, who):
    agreement = make(dw)
    services.agreement_year_set(actor=dw["office"], agreement=agreement, year=2012, projects=1)
    with Unchanged():
        with pytest.raises(PermissionDenied):
            services.agreement_create(actor=dw[who], institution=dw["uni"], data=DATA)
        with pytest.raises(PermissionDenied):
            services.agreement_update(actor=dw[who], agreement=agreement, data={"title": "x"})
        with pytest.raises(PermissionDenied):
            services.agreement_year_set(actor=dw[who], agreement=agreement, year=2013, projects=9)
        with pytest.raises(PermissionDenied):
            services.agreement_year_delete(actor=dw[who], agreement=agreement, year=2012)
        with pytest.raises(PermissionDenied):
            services.agreement_delete(actor=dw[who], agreement=agreement)


def test_site_admin_may_write(dw):
    agreement = services.agreement_create(actor=dw["admin"], institution=dw["uni2"], data=DATA)
    assert agreement.institution == dw["uni2"]


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": " "}, "title"),
        ({"partner_province": "999999"}, "partner_province"),
        ({"year_from": ""}, "year_from"),
        ({"year_from": "abc"}, "year_from"),
        ({"year_to": 2001}, "year_to"),
        ({"signed_year": 2020}, "signed_year"),
        ({"year_from": 1800}, "year_from"),
        ({"partner_city": "长" * 51}, "partner_city"),
    ],
)
def test_invalid_agreements_are_refused(dw, bad, field):
    with Unchanged(), pytest.raises(ValidationError) as info:
        make(dw, **bad)
    assert field in info.value.message_dict


@pytest.mark.parametrize(
    "year, projects, total, field",
    [
        (2020, 1, "0", "year"),  # after the agreement's last year
        (2008, 1, "0", "year"),
        (2010, -1, "0", "projects"),
        (2010, 1, "-5", "contract_total"),
        (2010, 1, "abc", "contract_total"),
    ],
)
def test_invalid_figures_are_refused(dw, year, projects, total, field):
    agreement = make(dw)
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.agreement_year_set(
            actor=dw["office"],
            agreement=agreement,
            year=year,
            projects=projects,
            contract_total=total,
        )
    assert field in info.value.message_dict


def test_years_cannot_shrink_below_recorded_figures(dw):
    agreement = make(dw)
    services.agreement_year_set(actor=dw["office"], agreement=agreement, year=2017, projects=2)
    with Unchanged(), pytest.raises(ValidationError):
        services.agreement_update(actor=dw["office"], agreement=agreement, data={"year_to": 2015})
    with pytest.raises(ValidationError):
        services.agreement_year_delete(actor=dw["office"], agreement=agreement, year=2011)
