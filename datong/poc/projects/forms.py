"""Forms of the project pages: they only clean input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.institutions.regions import province_choices
from datong.poc.models import CostType, Stage, VerificationKind

from .ledger import line_name
from .models import (
    GateDecision,
    GateKind,
    MentorKind,
    ReportKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _text(label, required=True, rows=3, **kwargs):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _provinces(blank=True):
    choices = province_choices(get_language() or "zh-hans")
    return [("", "—"), *choices] if blank else choices


def _money(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class ProjectStartForm(forms.Form):
    """Dates, the agreement (when the application has none yet) and the tranche plan: a funding
    line and an amount per milestone, and an advance per funding line."""

    starts_on = _date(_("Start"))
    ends_on = _date(_("Planned end"))
    agreement_number = forms.CharField(label=_("Funding agreement number"), max_length=64)
    agreement_signed_on = _date(_("Agreement signed"))

    def __init__(self, *args, application, lines, plan, advances, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.milestones = list(application.planned_milestones.all())
        self.lines = lines
        if application.agreement_number:
            del self.fields["agreement_number"]
        if application.agreement_signed_on:
            del self.fields["agreement_signed_on"]
        line_choices = [("", "—")] + [(str(line.pk), line_name(line)) for line in lines]
        planned = {row["milestone"]: row for row in plan}
        for milestone in self.milestones:
            row = planned.get(milestone.pk, {})
            self.fields[f"line_{milestone.pk}"] = forms.ChoiceField(
                label=_("Funding line"),
                choices=line_choices,
                required=False,
                initial=str(row.get("funding_line") or ""),
            )
            self.fields[f"amount_{milestone.pk}"] = _money(
                _("Tranche (yuan)"), initial=row.get("amount"), required=False
            )
        for line in lines:
            self.fields[f"advance_{line.pk}"] = _money(
                _("Advance on %(line)s (yuan)") % {"line": line_name(line)},
                initial=advances.get(line.pk),
                required=False,
            )

    def plan_rows(self):
        """(milestone, line field, amount field) for the template."""
        return [(m, self[f"line_{m.pk}"], self[f"amount_{m.pk}"]) for m in self.milestones]

    def advance_fields(self):
        return [self[f"advance_{line.pk}"] for line in self.lines]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "agreement_number": data.get("agreement_number", ""),
            "agreement_signed_on": data.get("agreement_signed_on"),
            "tranches": [
                {
                    "milestone": m.pk,
                    "funding_line": data.get(f"line_{m.pk}") or None,
                    "amount": data.get(f"amount_{m.pk}") or 0,
                }
                for m in self.milestones
            ],
            "advances": {line.pk: data.get(f"advance_{line.pk}") or 0 for line in self.lines},
        }


class MentorForm(forms.Form):
    mentor = forms.CharField(
        label=_("Mentor"),
        required=False,
        help_text=_("User name or e-mail of any user; leave empty to remove the mentor."),
        widget=forms.TextInput(attrs={"list": "mentor-candidates", "autocomplete": "off"}),
    )
    mentor_kind = forms.ChoiceField(
        label=_("The mentor is a"), choices=[("", "—"), *MentorKind.choices], required=False
    )


class CoachingForm(forms.Form):
    held_on = _date(_("Date"))
    topics = _text(_("Topics"), rows=2)
    advice = _text(_("Advice"), required=False)
    next_steps = _text(_("Next steps"), required=False, rows=2)


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=VerificationKind.choices)
    institution = forms.ChoiceField(label=_("Provider"))
    region = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    capabilities = _text(_("Capabilities"), rows=4)
    price_terms = _text(_("Price"), required=False, rows=2)
    booking_terms = _text(_("Booking"), required=False, rows=2)
    certifications = forms.CharField(
        label=_("Certification"),
        max_length=300,
        required=False,
        help_text=_("Accreditations such as CMA, CNAS, GLP or GMP."),
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    is_public = forms.BooleanField(
        label=_("Show in the public directory"), required=False, initial=True
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(str(i.pk), i.display_name) for i in institutions]
        self.fields["region"].choices = _provinces()

    @staticmethod
    def initial_from(resource) -> dict:
        names = ResourceForm.base_fields
        initial = {name: getattr(resource, name) for name in names if name != "institution"}
        return initial | {"institution": str(resource.institution_id)}


class BookingForm(forms.Form):
    resource = forms.IntegerField(widget=forms.HiddenInput())
    need = forms.IntegerField(widget=forms.HiddenInput(), required=False)
    starts_on = _date(_("From"), required=False)
    ends_on = _date(_("Until"), required=False)
    note = _text(_("Note"), required=False, rows=2)


class MilestoneReportForm(forms.Form):
    evidence = _text(_("What was delivered"), rows=4)
    attachment = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("Optional: a PDF, Word (.docx), PNG or JPEG file of at most 20 MB."),
    )


class MilestoneDecisionForm(forms.Form):
    note = _text(_("Note to the team"), required=False, rows=2)
    released_on = _date(_("Tranche released on"), required=False)


class GateForm(forms.Form):
    held_on = _date(_("Held on"))
    kind = forms.ChoiceField(label=_("Occasion"), choices=GateKind.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=GateDecision.choices)
    reasons = _text(_("Reasons"), rows=3)
    trl_assessed = forms.TypedChoiceField(
        label=_("Readiness assessed (TRL)"),
        choices=[("", "—")] + [(str(i), f"TRL {i}") for i in range(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    stage_after = forms.ChoiceField(
        label=_("Stage from now on"),
        choices=[("", _("Unchanged")), *Stage.choices],
        required=False,
    )


class ExpenseForm(forms.Form):
    funding_line = forms.ChoiceField(label=_("Funding line"))
    cost_type = forms.ChoiceField(label=_("Cost type"), choices=CostType.choices)
    spent_on = _date(_("Date"))
    amount = _money(_("Amount (yuan)"))
    payee = forms.CharField(label=_("Payee"), max_length=200)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=64, required=False)
    description = _text(_("Description"), required=False, rows=2)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_line"].choices = [(str(line.pk), line_name(line)) for line in lines]


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=2)


class NoteForm(forms.Form):
    note = _text(_("Note"), required=False, rows=2)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    period_start = _date(_("From"))
    period_end = _date(_("Until"))
    narrative = _text(_("The team's account"), rows=5)


class ExtensionForm(forms.Form):
    new_end = _date(_("New end"))
    reason = _text(_("Reason"), rows=3)


class TerminateForm(forms.Form):
    decided_on = _date(_("Decided on"))
    reason = _text(_("Reason"), rows=3)


class OutcomeForm(forms.Form):
    technical_route = _text(_("Technical route reached"), required=False, rows=4)
    ip_families = forms.MultipleChoiceField(
        label=_("Patent layout"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("IP records of the institution with a filing dated within the project."),
    )
    patent_notes = _text(_("Notes on the patent layout"), required=False, rows=2)
    business_model = _text(_("Business model"), required=False, rows=3)
    trl_after = forms.TypedChoiceField(
        label=_("Readiness after (TRL)"),
        choices=[("", "—")] + [(str(i), f"TRL {i}") for i in range(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    licence = _text(_("Licence or transfer"), required=False, rows=2)
    licence_contract = forms.CharField(
        label=_("Contract reference"), max_length=100, required=False
    )
    company_name = forms.CharField(label=_("Spin-off company"), max_length=200, required=False)
    company_note = _text(_("About the company"), required=False, rows=2)
    landing_base = forms.CharField(
        label=_("Landing location"),
        max_length=200,
        required=False,
        help_text=_("The incubation base or industrial park where the project landed."),
    )
    landing_province = forms.ChoiceField(
        label=_("Province of the landing location"), required=False
    )

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ip_families"].choices = [
            (str(f.pk), f"{f.reference or f.ip_type} · {f.title}") for f in families
        ]
        self.fields["landing_province"].choices = _provinces()

    @staticmethod
    def initial_from(outcome) -> dict:
        if outcome is None:
            return {}
        names = [n for n in OutcomeForm.base_fields if n != "ip_families"]
        initial = {name: getattr(outcome, name) for name in names}
        initial["ip_families"] = [
            str(pk) for pk in outcome.ip_families.values_list("pk", flat=True)
        ]
        return initial

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
