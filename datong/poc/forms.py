"""Forms of the programme pages. They only parse input: the services check the rules and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datong.institutions.models import Institution, InstitutionKind
from datong.results.presenters import trl_choices

from .models import (
    ApplicationStatus,
    CostType,
    FundKind,
    Stage,
    TeamRole,
    VerificationKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})
PERCENT = forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"})


def _money(label, required=False, total="", **kwargs):
    """An amount in yuan; ``total`` names the live total (in programmes.js) it counts towards."""
    widget = forms.NumberInput(attrs={**MONEY.attrs, **({"data-sum": total} if total else {})})
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2, widget=widget, **kwargs
    )


def _text(label, rows=4, required=False, **kwargs):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _blank(form) -> bool:
    """A formset row left empty (ignored, like a row the user removed)."""
    data = getattr(form, "cleaned_data", None) or {}
    return not any(value not in (None, "", False) for value in data.values())


def formset_rows(formset, fields) -> list[dict]:
    """The filled rows of a valid formset, as the services take them."""
    return [{f: form.cleaned_data.get(f) for f in fields} for form in formset if not _blank(form)]


# --- programme set-up ------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    owner = forms.ChoiceField(label=_("Run by"))
    kind = forms.ChoiceField(label=_("Kind of fund"), choices=FundKind.choices)
    alliance = forms.ChoiceField(
        label=_("Alliance"), required=False, help_text=_("For an alliance programme only.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    code = forms.CharField(
        label=_("Short code"),
        max_length=64,
        help_text=_("Used in addresses and application numbers, e.g. sjtu-nantong-poc."),
    )
    description = _text(_("Description"), rows=5)
    partners = forms.CharField(
        label=_("Partners"),
        max_length=300,
        required=False,
        help_text=_("Co-funders and bases, e.g. a city government and its industrial park."),
    )
    total_budget = _money(_("Total budget (yuan)"), required=True)
    stages = forms.MultipleChoiceField(
        label=_("Stages funded"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_trl = forms.ChoiceField(label=_("Lowest readiness (TRL)"), required=False)
    max_trl = forms.ChoiceField(label=_("Highest readiness (TRL)"), required=False)
    industries = forms.CharField(
        label=_("Industries (GB/T 4754)"),
        required=False,
        help_text=_(
            "Codes separated by commas: a section letter (C) covers all its divisions, a division "
            "is two digits (38). Empty: every industry."
        ),
    )
    eligible_institutions = forms.MultipleChoiceField(
        label=_("Eligible institutions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every institution (of the alliance, for an alliance programme)."),
    )
    blind_review = forms.BooleanField(label=_("Blind review"), required=False)
    objection_days = forms.IntegerField(
        label=_("Objection period (days)"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_("Length of the public notice (公示)."),
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)
    is_active = forms.BooleanField(
        label=_("Active: shown to researchers"), required=False, initial=True
    )

    def __init__(self, *args, owners=(), alliances=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [(str(i.pk), i.display_name) for i in owners]
        self.fields["alliance"].choices = [("", "—")] + [
            (str(a.pk), a.display_name) for a in alliances
        ]
        self.fields["min_trl"].choices = trl_choices()
        self.fields["max_trl"].choices = trl_choices()
        research = Institution.objects.filter(
            kind__in=[InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE]
        ).order_by("name")
        self.fields["eligible_institutions"].choices = [
            (str(i.pk), i.display_name) for i in research
        ]

    @staticmethod
    def initial_from(programme) -> dict:
        return {
            "kind": programme.kind,
            "alliance": str(programme.alliance_id or ""),
            "name": programme.name,
            "name_en": programme.name_en,
            "code": programme.code,
            "description": programme.description,
            "partners": programme.partners,
            "total_budget": programme.total_budget,
            "stages": programme.stages,
            "min_trl": str(programme.min_trl or ""),
            "max_trl": str(programme.max_trl or ""),
            "industries": ", ".join(programme.industries),
            "eligible_institutions": [
                str(pk) for pk in programme.eligible_institutions.values_list("pk", flat=True)
            ],
            "blind_review": programme.blind_review,
            "objection_days": programme.objection_days,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "is_active": programme.is_active,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        return data


class FundingLineForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("e.g. early-rd or pre-incubation.")
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    per_project_cap = _money(_("Cap per project (yuan)"), required=True)
    total_cap = _money(
        _("Cap for the whole line (yuan)"),
        help_text=_("Optional: the most all projects together receive on this line."),
    )

    @staticmethod
    def initial_from(line) -> dict:
        return {
            "code": line.code,
            "name": line.name,
            "name_en": line.name_en,
            "per_project_cap": line.per_project_cap,
            "total_cap": line.total_cap,
        }


class CostRuleRowForm(forms.Form):
    cost_type = forms.ChoiceField(
        label=_("Cost type"), required=False, choices=[("", "—"), *CostType.choices]
    )
    cap_share = forms.DecimalField(
        label=_("Cap (share of the line, %)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=PERCENT,
    )
    cap_amount = _money(_("Cap (yuan)"))


CostRuleFormSet = forms.formset_factory(CostRuleRowForm, extra=1)
COST_RULE_FIELDS = ("cost_type", "cap_share", "cap_amount")


class CriterionRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Criterion"), max_length=100, required=False)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    description = _text(_("What a reviewer looks at"), rows=2)
    weight = forms.DecimalField(
        label=_("Weight (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**PERCENT.attrs, "data-sum": "weight"}),
    )
    max_score = forms.IntegerField(
        label=_("Highest score"), required=False, min_value=1, max_value=100, initial=10
    )


CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=1)
CRITERION_FIELDS = ("id", "name", "name_en", "description", "weight", "max_score")


class CallForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    opens_on = forms.DateField(label=_("Opens"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes"), widget=DATE)
    review_by = forms.DateField(label=_("Review finished by"), required=False, widget=DATE)
    budget = _money(_("Budget of the call (yuan)"), required=True)
    guidelines = _text(
        _("Guidelines"),
        rows=8,
        help_text=_("What the call funds, what to submit, how applications are judged."),
    )

    @staticmethod
    def initial_from(call) -> dict:
        return {
            f: getattr(call, f)
            for f in (
                "name",
                "name_en",
                "opens_on",
                "closes_on",
                "review_by",
                "budget",
                "guidelines",
            )
        }


# --- the application -------------------------------------------------------------------------

APPLICATION_FIELDS = (
    "title",
    "stage",
    "summary",
    "academic_route",
    "market_route",
    "trl_now",
    "trl_target",
)


class ApplicationForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        help_text=_("One of your results, or one of your office's results."),
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    summary = _text(
        _("Summary"), rows=5, help_text=_("What the project will prove, and why it matters.")
    )
    academic_route = _text(
        _("Academic route"),
        help_text=_(
            "The research still to do: experiments, publications, a stable technical route."
        ),
    )
    market_route = _text(
        _("Market route"),
        help_text=_("Who will use it, how it reaches them, the business model and the patents."),
    )
    trl_now = forms.ChoiceField(label=_("Readiness now (TRL)"), required=False)
    trl_target = forms.ChoiceField(label=_("Readiness aimed at (TRL)"), required=False)

    def __init__(self, *args, results=None, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        if results is None:
            del self.fields["result"]
        else:
            self.fields["result"].choices = [("", "—")] + [
                (str(r.pk), f"{r.number} {r.title}") for r in results
            ]
        offered = [(code, label) for code, label in Stage.choices if not stages or code in stages]
        self.fields["stage"].choices = [("", "—"), *offered]
        self.fields["trl_now"].choices = trl_choices()
        self.fields["trl_target"].choices = trl_choices()

    @staticmethod
    def initial_from(application) -> dict:
        initial = {f: getattr(application, f) for f in APPLICATION_FIELDS}
        initial["trl_now"] = str(application.trl_now or "")
        initial["trl_target"] = str(application.trl_target or "")
        return initial

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in APPLICATION_FIELDS}


class RequestsForm(forms.Form):
    """The money asked for on each funding line of the programme (one field per line)."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = _money(line.display_name, total="req")

    @staticmethod
    def initial_from(application) -> dict:
        return {f"line_{r.funding_line_id}": r.amount for r in application.requests.all()}

    def rows(self):
        for line in self.lines:
            yield line, self[f"line_{line.pk}"]

    def service_rows(self) -> list[dict]:
        return [
            {"funding_line": line, "amount": self.cleaned_data.get(f"line_{line.pk}")}
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        ]


class MilestoneRowForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    deliverable = _text(_("Deliverable"), rows=2)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    budget = _money(_("Budget (yuan)"), total="ms")
    funding_line = forms.ChoiceField(label=_("Funding line"), required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_line"].choices = [("", "—")] + [
            (str(line.pk), line.display_name) for line in lines
        ]


MILESTONE_FIELDS = ("title", "deliverable", "due_on", "budget", "funding_line")


class NeedRowForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *VerificationKind.choices]
    )
    description = _text(_("What is needed"), rows=2)


NEED_FIELDS = ("kind", "description")


class TeamRowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    user = forms.ChoiceField(label=_("Account"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", "—"), *TeamRole.choices]
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    effort = forms.IntegerField(
        label=_("Time on the project (%)"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— no account —")), *people]


TEAM_FIELDS = ("name", "user", "role", "affiliation", "effort")

MilestoneFormSet = forms.formset_factory(MilestoneRowForm, extra=1)
NeedFormSet = forms.formset_factory(NeedRowForm, extra=1)
TeamFormSet = forms.formset_factory(TeamRowForm, extra=1)


# --- the office's and the applicant's actions ------------------------------------------------


class NoteForm(forms.Form):
    note = _text(_("Note"), rows=3, max_length=5000)


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(label=_("Raised by"), max_length=200)
    received_on = forms.DateField(label=_("Received"), widget=DATE)
    text = _text(_("Objection"), rows=3, required=True)


class ResolveForm(forms.Form):
    resolution = _text(_("How it was handled"), rows=3, required=True)
    upheld = forms.ChoiceField(
        label=_("Upheld"),
        choices=[("false", _("No: the application stays on the notice")), ("true", _("Yes"))],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("If upheld, the application goes to"),
        required=False,
        choices=[
            (ApplicationStatus.REJECTED, ApplicationStatus.REJECTED.label),
            (ApplicationStatus.RESERVE, ApplicationStatus.RESERVE.label),
        ],
    )


class AgreementForm(forms.Form):
    agreement_number = forms.CharField(label=_("Funding agreement number"), max_length=64)
    agreement_signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
