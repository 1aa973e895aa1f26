"""Forms of the contract pages: they only clean input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.institutions.models import InstitutionKind
from datong.institutions.regions import province_choices
from datong.results.models import Classification, Scheme

from . import licensing, rules
from .models import (
    ContractType,
    Exclusivity,
    PartyRole,
    PricingMethod,
    TermKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _money(label, required=True, **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


def _blank(choices):
    return [("", "—"), *choices]


def industry_choices() -> list[tuple[str, str]]:
    rows = Classification.objects.filter(scheme=Scheme.INDUSTRY).order_by("position", "code")
    return [(str(c.pk), ("\u3000" if c.parent_id else "") + str(c)) for c in rows]


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=ContractType.choices)
    pricing_method = forms.ChoiceField(
        label=_("Pricing method"),
        choices=_blank(PricingMethod.choices),
        required=False,
        help_text=_("An agreed price is announced publicly before the contract is signed."),
    )
    exclusivity = forms.ChoiceField(
        label=_("Exclusivity (licences)"), choices=_blank(Exclusivity.choices), required=False
    )
    amount = _money(_("Contract amount (yuan)"), min_value=0)
    starts_on = _date(_("In force from"), required=False)
    ends_on = _date(_("In force until"), required=False)
    manager = forms.ChoiceField(label=_("Technology manager"), required=False)
    results = forms.MultipleChoiceField(
        label=_("Results covered"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    filings = forms.MultipleChoiceField(
        label=_("Patents and other filings covered"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, managers=(), results=(), filings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = _blank(
            [(str(u.pk), u.get_full_name() or u.get_username()) for u in managers]
        )
        self.fields["results"].choices = [(str(r.pk), f"{r.number} {r.title}") for r in results]
        self.fields["filings"].choices = [
            (str(f.pk), f"{f.application_number or f.pk} {f.family.title}") for f in filings
        ]


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_blank(PartyRole.choices))
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    entity_type = forms.ChoiceField(label=_("Legal-entity type"), required=False)
    is_sme = forms.BooleanField(label=_("Small or medium-sized enterprise"), required=False)
    institution = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(province_choices(get_language() or "zh-hans"))
        self.fields["entity_type"].choices = _blank(rules.entity_type_choices())


PartyFormSet = forms.formset_factory(PartyForm, extra=1, can_delete=True, max_num=8)


def party_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


def party_initial(contract) -> list[dict]:
    return [
        {
            "role": p.role,
            "name": p.name,
            "credit_code": p.credit_code,
            "region": p.region[:2] + "0000" if p.region else "",
            "entity_type": p.entity_type,
            "is_sme": p.is_sme,
            "institution": p.institution_id,
        }
        for p in contract.parties.all()
    ]


def _entity_type_of(institution) -> str:
    return {
        InstitutionKind.UNIVERSITY: "022",
        InstitutionKind.RESEARCH_INSTITUTE: "021",
        InstitutionKind.ENTERPRISE: "033",
        InstitutionKind.GOVERNMENT: "010",
    }.get(institution.kind, "")


def initial_from_case(case) -> dict:
    """What a match case that ended in a deal says about the contract: its number, the listing's
    result, and the enterprise as the buyer."""
    enterprise = case.enterprise
    return {
        "data": {
            "number": case.deal_reference[:40],
            "title": case.listing.title[:200],
            "manager": case.manager,
        },
        "results": [case.listing.result] if case.listing.result_id else [],
        "parties": [
            {
                "role": PartyRole.BUYER,
                "name": enterprise.name,
                "credit_code": enterprise.credit_code,
                "region": enterprise.province or "",
                "entity_type": _entity_type_of(enterprise),
                "is_sme": False,
                "institution": enterprise.pk,
            }
        ],
    }


class AnnounceForm(forms.Form):
    start = _date(_("Announcement starts"))
    days = forms.IntegerField(
        label=_("Working days"),
        min_value=1,
        max_value=250,
        required=False,
        help_text=_("At least %(n)d working days; public holidays do not count.")
        % {"n": rules.minimum_announcement_days()},
    )
    url = forms.URLField(label=_("Announcement page"), required=False, assume_scheme="https")


class SignForm(forms.Form):
    signed_on = _date(_("Signed on"))
    starts_on = _date(_("In force from"), required=False)
    ends_on = _date(_("In force until"), required=False)


class RegisterForm(forms.Form):
    registration_number = forms.CharField(
        label=_("Registration number"), max_length=24, help_text=_("16 digits.")
    )
    registered_on = _date(_("Registered on"))
    approved_tech_income = _money(_("Approved technology income (yuan)"), min_value=0)


class TerminateForm(forms.Form):
    terminated_on = _date(_("Terminated on"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class GrantForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"))
    field_of_use = forms.ChoiceField(
        label=_("Field of use"),
        required=False,
        help_text=_("An industry of GB/T 4754-2017; empty means every field."),
    )
    territory = forms.ChoiceField(label=_("Territory"))
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"))
    exclusivity = forms.ChoiceField(label=_("Exclusivity"), choices=Exclusivity.choices)
    sublicensable = forms.BooleanField(label=_("May sub-license"), required=False)

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(str(r.pk), f"{r.number} {r.title}") for r in results]
        self.fields["field_of_use"].choices = [("", _("Every field of use")), *industry_choices()]
        self.fields["territory"].choices = licensing.territory_choices()


class CheckForm(forms.Form):
    field_of_use = forms.ChoiceField(label=_("Field of use"), required=False)
    territory = forms.ChoiceField(label=_("Territory"))
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_use"].choices = [("", _("Every field of use")), *industry_choices()]
        self.fields["territory"].choices = licensing.territory_choices()


class TermForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TermKind.choices)
    label = forms.CharField(label=_("Description"), max_length=200, required=False)
    due_on = _date(_("Due on"), required=False, help_text=_("For an instalment."))
    amount = _money(_("Amount (yuan)"), required=False, help_text=_("Instalment or milestone."))
    royalty_rate = forms.DecimalField(
        label=_("Royalty rate (%)"),
        required=False,
        max_digits=6,
        decimal_places=3,
        help_text=_("A running royalty: percentage of the licensee's sales."),
    )


class ReachForm(forms.Form):
    reached_on = _date(_("Milestone reached on"))


class RoyaltyReportForm(forms.Form):
    term = forms.ChoiceField(label=_("Royalty term"))
    period_start = _date(_("Period from"))
    period_end = _date(_("Period until"))
    sales = _money(_("Reported sales (yuan)"), min_value=0)
    due_on = _date(_("Royalty due on"))
    reported_on = _date(_("Reported on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(str(t.pk), f"{t.royalty_rate}%") for t in terms]


class LicenseeReportForm(forms.Form):
    """A licensee's own sales report: the royalty falls due 30 days after the period."""

    DUE_DAYS = 30

    term = forms.ChoiceField(label=_("Royalty term"))
    period_start = _date(_("Period from"))
    period_end = _date(_("Period until"))
    sales = _money(_("Reported sales (yuan)"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            (str(t.pk), f"{t.label or t.get_kind_display()} · {t.royalty_rate}%") for t in terms
        ]


class PaymentForm(forms.Form):
    received_on = _date(_("Received on"))
    amount = _money(_("Amount (yuan)"))
    term = forms.ChoiceField(label=_("Payment term"), required=False)
    reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _blank(
            [(str(t.pk), f"{t.get_kind_display()} · {t}") for t in terms]
        )
