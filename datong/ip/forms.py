"""Forms of the IP record pages. They only parse input: the services normalise numbers and IPC
codes, check the rules and write."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import presenters
from .models import CostKind, EventKind, Relation, Route

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _count(label, help_text=""):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1"}),
    )


class ResultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"


class FamilyForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None, empty_label=None)
    ip_type = forms.ChoiceField(label=_("IP type"))
    reference = forms.CharField(
        label=_("Docket reference"),
        required=False,
        max_length=40,
        help_text=_("The office's own case number, if it keeps one."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    title_en = forms.CharField(label=_("English title"), required=False, max_length=400)
    abstract = forms.CharField(
        label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    ipc_codes = forms.CharField(
        label=_("IPC codes"),
        required=False,
        help_text=_("Separated by semicolons, e.g. H01M 10/052; H01M 4/38."),
    )
    claims_count = _count(_("Claims"))
    independent_claims = _count(_("Independent claims"))
    forward_citations = _count(_("Forward citations"))
    inventors = forms.CharField(
        label=_("Inventors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One name a line."),
    )
    result = ResultChoiceField(
        label=_("Linked result"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, institutions, results, fixed_institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ip_type"].choices = [("", "—"), *presenters.ip_type_choices()]
        self.fields["result"].queryset = results
        if fixed_institution is not None:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = institutions

    @staticmethod
    def initial_from(family) -> dict:
        return {
            "ip_type": family.ip_type,
            "reference": family.reference,
            "title": family.title,
            "title_en": family.title_en,
            "abstract": family.abstract,
            "ipc_codes": "; ".join(family.ipc_codes or []),
            "claims_count": family.claims_count,
            "independent_claims": family.independent_claims,
            "forward_citations": family.forward_citations,
            "inventors": "\n".join(family.inventors or []),
            "result": family.result_id,
        }

    def clean_inventors(self) -> list[str]:
        text = self.cleaned_data.get("inventors") or ""
        names = [line.strip() for line in text.replace("；", "\n").splitlines()]
        return list(dict.fromkeys(n for n in names if n))

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "institution"}


class FilingForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    country = forms.CharField(
        label=_("Country or office"),
        max_length=4,
        initial="CN",
        help_text=_("CN, WO, EP, US, HK …"),
    )
    kind = forms.ChoiceField(label=_("Kind"))
    application_number = forms.CharField(
        label=_("Application number"),
        required=False,
        max_length=40,
        help_text=_("With or without CN/ZL, spaces and the dot; Chinese numbers are checked."),
    )
    filing_date = forms.DateField(label=_("Filing date"), required=False, widget=DATE)
    priority_date = forms.DateField(label=_("Priority date"), required=False, widget=DATE)
    publication_number = forms.CharField(
        label=_("Publication number"), required=False, max_length=40
    )
    grant_number = forms.CharField(
        label=_("Grant or registration number"), required=False, max_length=40
    )
    parent = forms.ModelChoiceField(
        label=_("Related filing"), queryset=None, required=False, empty_label="—"
    )
    relation = forms.ChoiceField(label=_("Relation"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=None, required=False, empty_label="—"
    )
    attorney = forms.CharField(label=_("Attorney"), required=False, max_length=100)
    term_extension_days = forms.IntegerField(
        label=_("Term compensation (days)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"min": "0"}),
    )

    def __init__(self, *args, filings, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *presenters.kind_choices()]
        self.fields["relation"].choices = [("", "—"), *Relation.choices]
        self.fields["parent"].queryset = filings
        self.fields["parent"].label_from_instance = presenters.filing_label
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda i: i.display_name
        number = self.fields["application_number"].widget
        number.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "data-number-check": "1",
                "hx-get": reverse("api:number_check"),
                "hx-trigger": "keyup changed delay:400ms, change",
                "hx-target": "#ip-number-hint",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "aria-describedby": "ip-number-hint",
            }
        )

    @staticmethod
    def initial_from(filing) -> dict:
        return {
            "route": filing.route,
            "country": filing.country,
            "kind": filing.kind,
            "application_number": filing.application_number,
            "filing_date": filing.filing_date,
            "priority_date": filing.priority_date,
            "publication_number": filing.publication_number,
            "grant_number": filing.grant_number,
            "parent": filing.parent_id,
            "relation": filing.relation,
            "agency": filing.agency_id,
            "attorney": filing.attorney,
            "term_extension_days": filing.term_extension_days,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("term_extension_days") is None:
            data["term_extension_days"] = 0
        return data


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=[("", "—"), *EventKind.choices])
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *CostKind.choices])
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class OwnershipForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("E.g. the assignment contract or the 赋权 agreement."),
    )


class HolderRowForm(forms.Form):
    name = forms.CharField(label=_("Holder"), required=False, max_length=200)
    share = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not ((data.get("name") or "").strip() or data.get("share") is not None)


HolderFormSet = forms.formset_factory(HolderRowForm, extra=2)
