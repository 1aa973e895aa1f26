"""Expert profiles, enterprise profiles, enterprise self-registration and the two demand fields
(IPC classes, readiness needed): who may write, what is validated, who sees what."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged, assert_api_error
from datong.institutions.credit_code import check_character
from datong.institutions.factories import DepartmentFactory, InstitutionFactory, member_of
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.market import selectors, services
from datong.market.models import EnterpriseProfile, EnterpriseSize, ExpertProfile
from datong.market.tests.conftest import bearer
from datong.results.models import ResultInventor

pytestmark = pytest.mark.django_db
User = get_user_model()


def credit(first17: str) -> str:
    return first17 + check_character(first17)


GOOD_CODE = credit("91110108MA01ABCDE")
PASSWORD = "Qiye-Zhuce-2026"


def put(client, url, payload, **auth):
    return client.put(url, data=json.dumps(payload), content_type="application/json", **auth)


@pytest.fixture
def expert(world):
    """The researcher's public profile; they are an inventor of the published listing's result."""
    ResultInventor.objects.create(result=world["result"], user=world["researcher"], name="张研")
    profile = services.expert_profile_save(
        actor=world["researcher"],
        user=world["researcher"],
        data={
            "title": "教授",
            "fields": "固态电池 solid-state batteries",
            "keywords": "储能, 电解质",
            "industry": "38",
            "publications": "论文一\n\n论文二\n",
        },
    )
    services.expert_profile_publish(actor=world["researcher"], profile=profile)
    return profile


@pytest.fixture
def private(world):
    """A private profile of the university's technology manager."""
    return services.expert_profile_save(
        actor=world["manager"], user=world["manager"], data={"fields": "技术转移"}
    )


# --- expert services -------------------------------------------------------------------------


def test_a_researcher_creates_edits_and_publishes_their_profile(world):
    profile = services.expert_profile_save(
        actor=world["researcher"],
        user=world["researcher"],
        data={"keywords": "储能，电解质 储能", "publications": " A\n\nB \n"},
    )
    assert profile.institution == world["uni"] and not profile.is_public
    assert profile.keywords == ["储能", "电解质"] and profile.publication_list == ["A", "B"]
    services.expert_profile_save(
        actor=world["researcher"], user=world["researcher"], data={"fields": "固态电池"}
    )
    profile.refresh_from_db()
    assert profile.fields == "固态电池"
    services.expert_profile_publish(actor=world["researcher"], profile=profile)
    assert profile.is_public
    services.expert_profile_unpublish(actor=world["researcher"], profile=profile)
    assert not profile.is_public
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "market.expert_create",
        "market.expert_update",
        "market.expert_publish",
        "market.expert_unpublish",
    } <= actions


def test_the_office_edits_and_publishes_a_profile_of_its_institution(world, private):
    services.expert_profile_save(actor=world["office"], user=world["manager"], data={"title": "x"})
    services.expert_profile_publish(actor=world["office"], profile=private)
    private.refresh_from_db()
    assert private.title == "x" and private.is_public


@pytest.mark.parametrize("who", ["other_office", "buyer", "researcher"])
def test_others_may_not_edit_or_publish_a_profile(world, private, who):
    actor = world[who]
    with Unchanged(), pytest.raises(PermissionDenied):
        services.expert_profile_save(actor=actor, user=world["manager"], data={"title": "x"})
    with Unchanged(), pytest.raises(PermissionDenied):
        services.expert_profile_publish(actor=actor, profile=private)
    private.is_public = True
    with Unchanged(), pytest.raises(PermissionDenied):
        services.expert_profile_unpublish(actor=actor, profile=private)


def test_the_office_of_another_institution_cannot_create_a_profile(world):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.expert_profile_save(
            actor=world["other_office"], user=world["researcher"], data={"fields": "x"}
        )


def test_a_profile_needs_a_role_at_a_university_or_institute(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.expert_profile_save(actor=world["buyer"], user=world["buyer"], data={})
    assert "institution" in caught.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"industry": "ZZ"}, "industry"),
        ({"publications": "\n".join(f"论文{n}" for n in range(51))}, "publications"),
        ({"title": "教" * 101}, "title"),
        ({"institution": "other"}, "institution"),
        ({"institution": "firm"}, "institution"),
    ],
)
def test_expert_validation(world, data, field):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.expert_profile_save(actor=world["researcher"], user=world["researcher"], data=data)
    assert field in caught.value.message_dict


def test_the_department_must_belong_to_the_institution(world):
    elsewhere = DepartmentFactory(institution=world["other"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.expert_profile_save(
            actor=world["researcher"], user=world["researcher"], data={"department": elsewhere.pk}
        )
    assert "department" in caught.value.message_dict
    school = DepartmentFactory(institution=world["uni"])
    profile = services.expert_profile_save(
        actor=world["researcher"], user=world["researcher"], data={"department": school.pk}
    )
    assert profile.department == school


def test_publishing_needs_fields_and_happens_once(world, expert):
    with Unchanged(), pytest.raises(ValidationError):
        services.expert_profile_publish(actor=world["researcher"], profile=expert)
    empty = services.expert_profile_save(actor=world["manager"], user=world["manager"], data={})
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.expert_profile_publish(actor=world["manager"], profile=empty)
    assert "fields" in caught.value.message_dict
    with Unchanged(), pytest.raises(ValidationError):
        services.expert_profile_unpublish(actor=world["manager"], profile=empty)


def test_an_expert_shows_their_published_listings(world, expert):
    assert list(selectors.expert_listings(expert=expert)) == [world["listing"]]
    services.listing_withdraw(actor=world["office"], listing=world["listing"])
    assert list(selectors.expert_listings(expert=expert)) == []


# --- expert pages and API --------------------------------------------------------------------


def test_a_public_expert_is_shown_to_anonymous_visitors(client, world, expert):
    page = client.get(reverse("expert-detail", args=[expert.pk])).content.decode()
    assert "张研" in page and "论文二" in page and "高安全固态电池电解质" in page
    assert reverse("market-register") in page and "user-menu" not in page
    body = client.get(f"/api/v1/market/experts/{expert.pk}").json()
    assert body["publications"] == ["论文一", "论文二"] and body["industry"] == "38"
    assert [item["title"] for item in body["listings"]] == ["高安全固态电池电解质"]
    assert "email" not in body


def test_a_private_profile_is_hidden_from_others(client, world, private):
    url = reverse("expert-detail", args=[private.pk])
    api = f"/api/v1/market/experts/{private.pk}"
    assert client.get(url).status_code == 404
    assert_api_error(client.get(api), 404, "not_found")
    for who in ("other_office", "buyer", "researcher"):  # a colleague is not the office
        client.force_login(world[who])
        assert client.get(url).status_code == 404
        assert "技术转移" not in client.get(reverse("expert-list")).content.decode()
        assert_api_error(client.get(api, **bearer(world[who])), 404, "not_found")
    for who in ("manager", "office"):
        client.force_login(world[who])
        assert client.get(url).status_code == 200
        assert "技术转移" in client.get(reverse("expert-list")).content.decode()


def test_expert_list_search_filters_and_export(client, world, expert):
    url = reverse("expert-list")
    for q in ("张研", "储能", "solid-state", "甲大学", "教授"):
        assert "张研" in client.get(url, {"q": q}).content.decode(), q
    assert "张研" not in client.get(url, {"q": "不存在"}).content.decode()
    assert "张研" in client.get(url, {"institution": "uni", "industry": "C"}).content.decode()
    assert "张研" not in client.get(url, {"institution": "other"}).content.decode()
    assert "张研" not in client.get(url, {"industry": "A"}).content.decode()
    response = client.get(url, {"export": "csv", "q": "储能"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "张研" in text
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/v1/market/experts", {"q": "储能"}).json()
    assert [item["name"] for item in api["items"]] == ["张研"]


def test_my_expert_profile_page(client, world):
    client.force_login(world["researcher"])
    url = reverse("expert-me")
    with Unchanged():
        assert client.get(url).status_code == 200
        assert client.post(url, {"institution": "uni", "industry": "ZZ"}).status_code == 400
    response = client.post(
        url,
        {"institution": "uni", "title": "教授", "research_fields": "固态电池", "keywords": "储能"},
    )
    profile = ExpertProfile.objects.get(user=world["researcher"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "expert-detail", args=[profile.pk]
    )
    assert profile.fields == "固态电池" and not profile.is_public
    client.post(reverse("expert-publish", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.is_public
    client.force_login(world["buyer"])
    page = client.get(url).content.decode()
    assert "university or research institute" in page or "高校" in page
    with Unchanged():
        assert client.post(reverse("expert-unpublish", args=[profile.pk])).status_code == 403
    profile.refresh_from_db()
    assert profile.is_public  # the buyer was refused


def test_the_office_edits_a_profile_page_and_others_are_refused(client, world, private):
    url = reverse("expert-edit", args=[private.pk])
    client.force_login(world["office"])
    assert client.get(url).status_code == 200
    client.force_login(world["other_office"])
    assert client.get(url).status_code == 404


def test_expert_api_me(client, world):
    auth = bearer(world["researcher"])
    assert_api_error(client.get("/api/v1/market/experts/me", **auth), 404, "not_found")
    response = put(
        client,
        "/api/v1/market/experts/me",
        {"fields": "固态电池", "keywords": ["储能"], "is_public": True},
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_public"] and response.json()["keywords"] == ["储能"]
    assert client.get("/api/v1/market/experts/me", **auth).json()["fields"] == "固态电池"
    with Unchanged():
        bad = put(client, "/api/v1/market/experts/me", {"industry": "ZZ"}, **auth)
        assert_api_error(bad, 422, "invalid")
    assert put(client, "/api/v1/market/experts/me", {"fields": "x"}).status_code == 401
    buyer = bearer(world["buyer"])
    with Unchanged():
        refused = put(client, "/api/v1/market/experts/me", {"fields": "x"}, **buyer)
        assert_api_error(refused, 422, "invalid")


# --- enterprise profiles ---------------------------------------------------------------------


def test_the_enterprise_describes_itself(world):
    profile = services.enterprise_profile_save(
        actor=world["buyer"],
        institution=world["firm"],
        data={
            "industry": "38",
            "size": "small",
            "employees": "120",
            "founded_year": 2015,
            "main_products": "储能电池",
            "tech_fields": "热管理",
            "province": "320000",
            "city": "苏州",
        },
    )
    assert profile.is_sme and profile.employees == 120 and profile.industry.code == "38"
    world["firm"].refresh_from_db()
    assert world["firm"].province == "320000" and world["firm"].city == "苏州"
    services.enterprise_profile_save(
        actor=world["buyer"], institution=world["firm"], data={"size": "large"}
    )
    profile.refresh_from_db()
    assert profile.size == EnterpriseSize.LARGE and not profile.is_sme
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "market.enterprise_profile_create" in actions
    assert "market.enterprise_profile_update" in actions


@pytest.mark.parametrize("who", ["other_buyer", "office", "researcher"])
def test_only_the_enterprises_users_describe_it(world, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.enterprise_profile_save(
            actor=world[who], institution=world["firm"], data={"size": "small"}
        )


def test_a_university_has_no_enterprise_profile(world):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.enterprise_profile_save(
            actor=world["office"], institution=world["uni"], data={"size": "small"}
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"size": "huge"}, "size"),
        ({"employees": "-1"}, "employees"),
        ({"employees": "many"}, "employees"),
        ({"founded_year": 1700}, "founded_year"),
        ({"founded_year": 3000}, "founded_year"),
        ({"industry": "ZZ"}, "industry"),
        ({"province": "999999"}, "province"),
        ({"website": "ftp://example.com"}, "website"),
        ({"city": "城" * 51}, "city"),
    ],
)
def test_enterprise_profile_validation(world, data, field):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.enterprise_profile_save(actor=world["buyer"], institution=world["firm"], data=data)
    assert field in caught.value.message_dict


@pytest.fixture
def described(world):
    services.enterprise_profile_save(
        actor=world["buyer"],
        institution=world["firm"],
        data={
            "industry": "38",
            "size": "medium",
            "tech_fields": "电池热管理",
            "province": "320000",
        },
    )
    services.demand_create(
        actor=world["buyer"], institution=world["firm"], data={"title": "储能电池热失控预警"}
    )
    return world["firm"]


def test_enterprise_list_search_filters_and_export(client, world, described):
    url = reverse("enterprise-list")
    assert client.get(url).status_code == 302  # signed-in users only
    client.force_login(world["researcher"])
    page = client.get(url).content.decode()
    assert "丙科技有限公司" in page and "丁公司" in page
    for params in ({"q": "热管理"}, {"size": "medium"}, {"region": "320000"}, {"industry": "C"}):
        page = client.get(url, params).content.decode()
        assert "丙科技有限公司" in page and "丁公司" not in page, params
    assert "丙科技" not in client.get(url, {"size": "large"}).content.decode()
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "丙科技有限公司" in text and "电池热管理" in text
    auth = bearer(world["researcher"])
    items = client.get("/api/v1/market/enterprises?size=medium", **auth).json()["items"]
    assert [(i["slug"], i["is_sme"]) for i in items] == [("firm", True)]
    client.logout()
    assert client.get("/api/v1/market/enterprises").status_code == 401


def test_enterprise_detail_shows_profile_and_open_demands(client, world, described):
    client.force_login(world["researcher"])
    page = client.get(reverse("enterprise-detail", args=["firm"])).content.decode()
    assert "电池热管理" in page and "储能电池热失控预警" in page
    body = client.get("/api/v1/market/enterprises/firm", **bearer(world["researcher"])).json()
    assert body["size"] == "medium" and [d["title"] for d in body["open_demands"]] == [
        "储能电池热失控预警"
    ]
    hidden = InstitutionFactory(slug="hidden", kind=InstitutionKind.ENTERPRISE, is_listed=False)
    assert client.get(reverse("enterprise-detail", args=["hidden"])).status_code == 404
    assert client.get(reverse("enterprise-detail", args=["uni"])).status_code == 404
    assert hidden.pk


def test_enterprise_profile_page(client, world):
    url = reverse("enterprise-profile")
    client.force_login(world["office"])
    assert client.get(url).status_code == 403
    client.force_login(world["buyer"])
    assert client.get(url).status_code == 200
    with Unchanged():
        assert client.post(url, {"institution": "firm", "size": "huge"}).status_code == 400
    response = client.post(url, {"institution": "firm", "size": "micro", "employees": "8"})
    assert response.status_code == 302
    assert EnterpriseProfile.objects.get(institution=world["firm"]).size == "micro"


def test_enterprise_profile_api(client, world):
    url = "/api/v1/market/enterprise/profile?institution=firm"
    response = put(client, url, {"size": "small", "tech_fields": "储能"}, **bearer(world["buyer"]))
    assert response.status_code == 200, response.content
    assert response.json()["size"] == "small" and response.json()["tech_fields"] == "储能"
    refused, auth = bearer(world["other_buyer"]), bearer(world["buyer"])
    with Unchanged():
        assert_api_error(put(client, url, {"size": "large"}, **refused), 403, "forbidden")
        bad = put(client, url, {"size": "huge"}, **auth)
        assert_api_error(bad, 422, "invalid")


# --- registration ----------------------------------------------------------------------------


def registration(**changes) -> dict:
    data = {
        "name": "苏州新锂能源科技有限公司",
        "credit_code": GOOD_CODE,
        "province": "320000",
        "city": "苏州",
        "industry": "38",
        "size": "small",
        "contact_name": "陈经理",
        "phone": "0512-6688 1234",
        "email": "chen@xinli.example.com",
        "username": "xinli",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def test_an_enterprise_registers_and_posts_its_first_demand(client, db):
    response = client.post(reverse("market-register"), registration())
    assert response.status_code == 302 and response["Location"] == reverse("demand-create")
    institution = Institution.objects.get(credit_code=GOOD_CODE)
    assert institution.kind == InstitutionKind.ENTERPRISE and institution.province == "320000"
    user = User.objects.get(username="xinli")
    assert user.check_password(PASSWORD) and user.name == "陈经理"
    assert user.phone == institution.phone == "0512-6688 1234"
    assert Membership.objects.filter(
        user=user, institution=institution, role=Role.ENTERPRISE_USER
    ).exists()
    profile = institution.enterprise_profile
    assert profile.size == "small" and profile.industry.code == "38"
    assert AuditEntry.objects.filter(action="market.enterprise_register", actor=user).exists()
    assert client.get(reverse("demand-create")).status_code == 200  # signed in already
    response = client.post(
        reverse("demand-create"), {"institution": institution.pk, "title": "低温快充"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "12345678", "password2": "12345678"}, "password"),
        ({"password2": "Another-Password-1"}, "password2"),
        ({"credit_code": "91110108MA01ABCDE0"}, "credit_code"),
        ({"username": "a b"}, "username"),
        ({"email": "not-an-address"}, "email"),
        ({"industry": ""}, "industry"),
        ({"province": ""}, "province"),
        ({"phone": "call me"}, "phone"),  # refused by the account service, after the rest
    ],
)
def test_bad_registrations_leave_nothing(client, db, changes, field):
    with Unchanged():
        response = client.post(reverse("market-register"), registration(**changes))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Institution.objects.exists() and not User.objects.exists()


def test_a_registered_credit_code_is_refused(client, world):
    InstitutionFactory(kind=InstitutionKind.ENTERPRISE, credit_code=GOOD_CODE)
    taken = member_of(world["firm"], Role.ENTERPRISE_USER).username
    with Unchanged():
        response = client.post(
            reverse("market-register"), registration(credit_code=GOOD_CODE.lower(), username=taken)
        )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "already registered" in str(errors["credit_code"]) or "已" in str(errors["credit_code"])
    assert errors["username"]


def test_the_registration_service_refuses_a_signed_in_user_and_rolls_back(world):
    data = registration()
    data.pop("password2")
    with Unchanged(), pytest.raises(PermissionDenied):
        services.enterprise_register(actor=world["buyer"], data=data)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.enterprise_register(actor=None, data={**data, "size": "huge", "name": ""})
    assert {"size", "name"} <= set(caught.value.message_dict)


def test_the_registration_page_and_links(client, world):
    page = client.get(reverse("market-register")).content.decode()
    assert 'name="credit_code"' in page and 'name="password2"' in page
    assert reverse("market-register") in client.get(reverse("market-list")).content.decode()
    client.force_login(world["buyer"])
    assert client.get(reverse("market-register")).status_code == 302


# --- the two demand fields -------------------------------------------------------------------


def test_demand_ipc_classes_and_readiness(world):
    demand = services.demand_create(
        actor=world["buyer"],
        institution=world["firm"],
        data={"title": "需求", "ipc_codes": "h01m10/052， G06T 7/00；H01M 10/052", "min_trl": "6"},
    )
    assert demand.ipc_codes == ["H01M 10/052", "G06T 7/00"] and demand.min_trl == 6
    services.demand_update(
        actor=world["buyer"], demand=demand, data={"ipc_codes": ["B25J"], "min_trl": ""}
    )
    demand.refresh_from_db()
    assert demand.ipc_codes == ["B25J"] and demand.min_trl is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ipc_codes": "H01M 10/052, 电池"}, "ipc_codes"),
        ({"ipc_codes": ["Z99Z"]}, "ipc_codes"),
        ({"ipc_codes": [f"H01M {n}/00" for n in range(1, 23)]}, "ipc_codes"),
        ({"min_trl": 0}, "min_trl"),
        ({"min_trl": "10"}, "min_trl"),
        ({"min_trl": "high"}, "min_trl"),
    ],
)
def test_demand_ipc_and_readiness_validation(world, data, field):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.demand_create(
            actor=world["buyer"], institution=world["firm"], data={"title": "x", **data}
        )
    assert field in caught.value.message_dict


def test_demand_form_detail_and_api_carry_the_new_fields(client, world):
    client.force_login(world["buyer"])
    response = client.post(
        reverse("demand-create"),
        {
            "institution": world["firm"].pk,
            "title": "视觉检测",
            "ipc_codes": "G06T7/00",
            "min_trl": "5",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "G06T 7/00" in page and "TRL 5" in page
    bad = client.post(
        reverse("demand-create"),
        {"institution": world["firm"].pk, "title": "x", "ipc_codes": "电池"},
    )
    assert bad.status_code == 200 and "ipc_codes" in bad.context["form"].errors
    auth = bearer(world["buyer"])
    created = client.post(
        "/api/v1/market/demands",
        data=json.dumps({"institution": "firm", "title": "y", "ipc_codes": ["h01m"], "min_trl": 7}),
        content_type="application/json",
        **auth,
    ).json()
    assert created["ipc_codes"] == ["H01M"] and created["min_trl"] == 7
