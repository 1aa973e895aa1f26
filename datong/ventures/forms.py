"""Forms of the company pages: they only clean input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datong.institutions.models import Institution, InstitutionKind
from datong.institutions.regions import province_model_choices
from datong.results.models import Classification, Result, Scheme

from .models import CompanyState, Contribution, HolderKind, ListingStatus

DATE = forms.DateInput(attrs={"type": "date"})


def _date(label, required=False, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        help_text=_("18 characters; checked when given."),
    )
    registered_capital = forms.DecimalField(
        label=_("Registered capital (yuan)"), max_digits=16, decimal_places=2, required=False
    )
    region = forms.ChoiceField(label=_("Landing region"), required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    incubator = forms.ChoiceField(label=_("Incubator or base"), required=False)
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"), required=False)
    approved_on = _date(_("Approved by the institution on"))
    listing_status = forms.ChoiceField(label=_("Listing status"), choices=ListingStatus.choices)
    stock_code = forms.CharField(label=_("Stock code"), max_length=16, required=False)
    listed_on = _date(_("Listed on"))
    results = forms.MultipleChoiceField(
        label=_("Results"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The institution's results the company is founded on."),
    )
    description = forms.CharField(
        label=_("Business"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *province_model_choices()]
        bases = Institution.objects.filter(
            kind__in=(
                InstitutionKind.SERVICE_PROVIDER,
                InstitutionKind.UNIVERSITY,
                InstitutionKind.GOVERNMENT,
                InstitutionKind.ENTERPRISE,
            )
        ).order_by("kind", "name")
        self.fields["incubator"].choices = [("", "—")] + [
            (str(i.pk), i.display_name) for i in bases
        ]
        industries = Classification.objects.filter(
            scheme=Scheme.INDUSTRY, parent__isnull=False, parent__parent__isnull=True
        ).order_by("code")
        self.fields["industry"].choices = [("", "—")] + [(c.code, str(c)) for c in industries]
        results = Result.objects.filter(institution=institution).order_by("-created_at")[:500]
        self.fields["results"].choices = [(str(r.pk), str(r)) for r in results]


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"))
    on = _date(
        _("Date"),
        help_text=_("The day of incorporation or dissolution; today when left empty otherwise."),
    )
    reason = forms.CharField(
        label=_("Reason (for a refusal)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CompanyState.choices)
        self.fields["state"].choices = [(s, labels[s]) for s in allowed]


class FounderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.CharField(label=_("Role in the company"), max_length=100, required=False)
    on_leave = forms.BooleanField(
        label=_("On leave from the institution to found it"), required=False
    )
    leave_from = _date(_("Leave from"))
    leave_until = _date(_("Leave until"))


class HoldingForm(forms.Form):
    holder_kind = forms.ChoiceField(label=_("Holder"), choices=HolderKind.choices)
    holder_name = forms.CharField(label=_("Holder name"), max_length=200)
    percentage = forms.DecimalField(
        label=_("Percentage (%)"),
        max_digits=7,
        decimal_places=4,
        help_text=_("0 ends the holder's holding (an exit)."),
    )
    capital = forms.DecimalField(
        label=_("Subscribed capital (yuan)"), max_digits=16, decimal_places=2, required=False
    )
    contribution = forms.ChoiceField(label=_("Contribution"), choices=Contribution.choices)
    since = _date(_("Since"), required=True)


class BoardSeatForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.CharField(
        label=pgettext_lazy("board", "Role"),
        max_length=60,
        required=False,
        help_text=_("Chair, director, supervisor…"),
    )
    nominated_by = forms.CharField(label=_("Nominated by"), max_length=200, required=False)
    for_institution = forms.BooleanField(label=_("The institution's seat"), required=False)
    since = _date(_("Since"), required=True)


class SeatEndForm(forms.Form):
    until = _date(_("Until"), required=True)


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("Round"), max_length=40, help_text=_("For example 天使轮, Pre-A轮, A轮, B轮.")
    )
    closed_on = _date(_("Closed on"), required=True)
    amount = forms.DecimalField(label=_("Amount raised (yuan)"), max_digits=16, decimal_places=2)
    post_money = forms.DecimalField(
        label=_("Post-money valuation (yuan)"), max_digits=16, decimal_places=2, required=False
    )
    investors = forms.CharField(label=_("Investors"), max_length=300, required=False)


class InvestmentStartForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contract = forms.ChoiceField(label=_("Equity contract"), required=False)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "—")] + [(str(c.pk), str(c)) for c in contracts]


class AppraisalForm(forms.Form):
    evaluator = forms.ChoiceField(label=_("Evaluator"))
    appraised_value = forms.DecimalField(
        label=_("Appraised value (yuan)"), max_digits=16, decimal_places=2
    )
    report_number = forms.CharField(label=_("Appraisal report number"), max_length=60)
    appraised_on = _date(_("Report date"), required=True)

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [("", "—")] + [
            (str(i.pk), i.display_name) for i in evaluators
        ]


DECISION_CHOICES = [
    ("approved", pgettext_lazy("decision", "Approved")),
    ("rejected", pgettext_lazy("decision", "Rejected")),
    ("pending", pgettext_lazy("decision", "Pending")),
]


class ApprovalForm(forms.Form):
    body = forms.CharField(
        label=_("Body"),
        max_length=100,
        help_text=_("For example 校长办公会, 党委常委会, 国有资产管理委员会."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    on = _date(_("Date"), required=True)
    reference = forms.CharField(
        label=_("Minutes or document reference"), max_length=100, required=False
    )


class FilingForm(forms.Form):
    filing_number = forms.CharField(label=_("Filing record number"), max_length=60)
    filed_on = _date(_("Filed on"), required=True)


class RegistrationForm(forms.Form):
    registered_on = _date(_("Registered on"), required=True)


class CompleteForm(forms.Form):
    shares_total = forms.DecimalField(
        label=_("Shares obtained (percent of the company)"), max_digits=7, decimal_places=4
    )
    team_percentage = forms.DecimalField(
        label=_("Team's part (percent of the company)"),
        max_digits=7,
        decimal_places=4,
        required=False,
        help_text=_("Left empty when an executed equity distribution names the team's shares."),
    )
    team_holder_name = forms.CharField(
        label=_("Team holding in the name of"),
        max_length=200,
        required=False,
        help_text=_("Used when no distribution names the people."),
    )


class AbandonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
