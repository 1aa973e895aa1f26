import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum

from datong.accounts.factories import UserFactory
from datong.demo.dashboards import build_dashboards
from datong.institutions.factories import InstitutionFactory
from datong.institutions.models import Institution
from datong.reports.dashboards.models import AgreementYear, CooperationAgreement


def test_the_zju_changsha_cooperation_adds_up(db):
    UserFactory(is_superuser=True, is_staff=True)
    InstitutionFactory(slug="jbit", name="京北理工大学")
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    assert build_dashboards(random.Random(1), now, "small") == {"cooperation agreements": 3}
    zju = Institution.objects.get(slug="zju")
    assert (zju.name, zju.kind, zju.province) == ("浙江大学", "university", "330000")
    changsha = CooperationAgreement.objects.get(institution=zju)
    assert (changsha.partner_province, changsha.partner_city) == ("430000", "长沙市")
    assert (changsha.year_from, changsha.year_to, changsha.signed_year) == (2009, 2018, 2008)
    totals = AgreementYear.objects.filter(agreement=changsha).aggregate(
        p=Sum("projects"), a=Sum("contract_total")
    )
    assert totals == {"p": 78, "a": Decimal("140000000.00")}
    assert CooperationAgreement.objects.filter(institution__slug="jbit").count() == 2
    # a second run adds nothing
    assert build_dashboards(random.Random(1), now, "small") == {"cooperation agreements": 0}
