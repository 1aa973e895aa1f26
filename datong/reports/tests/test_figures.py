"""The report's figures against the hand-computed fixture, and templates as data."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied

from datong.reports import engine, selectors, services
from datong.reports.models import ReportTemplate
from datong.reports.report import build, template_for

from .conftest import EXPECTED, EXPECTED_GROUPS, YEAR


def test_the_seeded_template_is_valid_and_in_force(db):
    template = template_for(YEAR)
    assert template is not None and template.version == "2026.1"
    assert [s["number"] for s in template.sections] == [1, 2, 3, 4, 5, 6]
    assert engine.validate_sections(template.sections) == []


def test_every_figure_matches_the_hand_computation(rw):
    report = build(rw["uni"], YEAR)
    for code, expected in EXPECTED.items():
        indicator = report.indicator(code)
        assert indicator is not None, code
        assert indicator.value == expected, (code, indicator.value, expected)


def test_every_breakdown_matches_the_hand_computation(rw):
    report = build(rw["uni"], YEAR)
    for code, expected in EXPECTED_GROUPS.items():
        groups = {g.key: g.value for g in report.indicator(code).groups}
        assert groups == expected, (code, groups)


def test_labels_of_groups_are_readable(rw):
    report = build(rw["uni"], YEAR)
    labels = {g.key: g.label for g in report.indicator("conv_by_region").groups}
    assert labels["320000"] == "江苏省" and labels["110000"] == "北京市"
    types = {g.key: g.label for g in report.indicator("conv_count").groups}
    assert types["transfer"] == "转让"


def test_the_project_list_has_every_conversion_of_the_year(rw):
    report = build(rw["uni"], YEAR)
    projects = report.indicator("project_list")
    numbers = [row["values"]["number"] for row in projects.rows]
    assert numbers == ["C1", "C2", "C5"]
    c2 = projects.rows[1]["values"]
    assert c2["buyer"] == "北京乙公司"
    assert c2["received_in_year"] == 600000 and c2["received_total"] == 1200000
    assert projects.rows[2]["cells"]["buyer"] == "苏州衍生公司"


def test_another_year_and_another_institution_differ(rw):
    other = build(rw["other"], YEAR)
    assert other.indicator("conv_count").value == 1
    assert other.indicator("conv_amount").value == 999999
    earlier = build(rw["uni"], YEAR - 1)
    assert earlier.indicator("conv_count").value == 1  # the licence C3
    assert earlier.indicator("conv_received").value == 10000


def _with_indicator(indicator: dict) -> dict:
    template = template_for(YEAR)
    sections = copy.deepcopy(template.sections)
    sections[2]["indicators"].append(indicator)
    return {
        "code": "annual",
        "version": "2026.2-test",
        "effective_year": YEAR,
        "title": "测试模板",
        "title_en": "Test template",
        "sections": sections,
    }


def test_a_new_indicator_is_a_data_edit(rw, admin_user):
    """A licence-only income figure by the buyer's province, added as data, computes."""
    data = _with_indicator(
        {
            "code": "licence_income_by_province",
            "label": {"zh": "许可收入（按省份）", "en": "Licence income by province"},
            "definition": {"zh": "当年许可合同到账。", "en": "Licence money received in the year."},
            "unit": "yuan",
            "query": {
                "source": "payments",
                "filter": {"contract_type": "licence"},
                "date": "received_on",
                "measure": "sum:amount",
                "by": "buyer_province",
            },
        }
    )
    template = services.template_create(actor=admin_user, data=data)
    assert template_for(YEAR) == template
    report = build(rw["uni"], YEAR)
    figure = report.indicator("licence_income_by_province")
    assert figure.value == 20000
    assert {g.key: g.value for g in figure.groups} == {"310000": 20000}
    assert template_for(YEAR - 1).version == "2026.1"  # earlier years keep the old version


@pytest.mark.parametrize(
    "query, problem",
    [
        (
            {"source": "contracts", "filter": {"institution__name": "x"}, "date": "signed_on"},
            "cannot be filtered",
        ),
        (
            {"source": "contracts", "filter": {"amount__regex": "1"}, "date": "signed_on"},
            "operator",
        ),
        ({"source": "users", "date": "signed_on"}, "unknown source"),
        ({"source": "contracts", "date": "signed_on", "measure": "sum:title"}, "cannot be summed"),
        (
            {"source": "contracts", "date": "signed_on", "by": "created_by__password"},
            "cannot be grouped",
        ),
        ({"source": "contracts", "date": "updated_at"}, "date must be"),
        (
            {"source": "contracts", "date": "signed_on", "filter": {"contract_type": "gift"}},
            "no such value",
        ),
        ({"source": "contracts", "date": "signed_on", "raw": "select 1"}, "unknown key"),
    ],
)
def test_queries_outside_the_allow_list_are_refused(db, query, problem):
    errors = engine.validate_query(query)
    assert any(problem in e for e in errors), errors


def test_an_invalid_template_is_refused_and_nothing_saved(db, admin_user):
    data = _with_indicator(
        {
            "code": "bad",
            "label": {"zh": "坏", "en": "Bad"},
            "unit": "yuan",
            "query": {"source": "contracts", "date": "signed_on", "filter": {"pk__gt": 0}},
        }
    )
    with pytest.raises(Exception) as info:
        services.template_create(actor=admin_user, data=data)
    assert "sections" in info.value.message_dict
    assert not ReportTemplate.objects.filter(version="2026.2-test").exists()


def test_only_a_site_administrator_adds_templates(rw):
    with pytest.raises(PermissionDenied):
        services.template_create(actor=rw["office"], data=_with_indicator({}))


def test_the_report_is_for_the_office_staff_only(rw):
    assert selectors.annual_report(actor=rw["office"], institution=rw["uni"], year=YEAR)
    for who in ("researcher", "other_office", "alliance"):
        with pytest.raises(PermissionDenied):
            selectors.annual_report(actor=rw[who], institution=rw["uni"], year=YEAR)
