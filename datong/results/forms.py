"""Forms of the disclosure and results pages. They only parse input: the services validate
the rules and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datong.core.forms import ServiceModelForm

from . import presenters
from .models import Conclusion, Decision, Disclosure

TEXTAREA = {"rows": 4}


class DisclosureCreateForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("A short name for the invention")}),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


class BasicsForm(ServiceModelForm):
    """Step 1: what the invention is."""

    class Meta:
        model = Disclosure
        fields = ["title", "title_en", "abstract", "problem", "advantages", "applications"]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 6}),
            "problem": forms.Textarea(attrs=TEXTAREA),
            "advantages": forms.Textarea(attrs=TEXTAREA),
            "applications": forms.Textarea(attrs=TEXTAREA),
        }
        help_texts = {
            "abstract": _(
                "What it is and how it works, in a few paragraphs (at least 50 characters)."
            ),
            "problem": _("The technical problem it solves."),
            "advantages": _("Why it is better than what exists today."),
            "applications": _("Products, industries or users that could apply it."),
        }


class ClassificationForm(forms.Form):
    """Step 2 (and the result editor): how the invention is classified."""

    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"), required=False)
    sei = forms.ChoiceField(label=_("Strategic emerging industry"), required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_("At least three, separated by commas or spaces."),
    )
    trl = forms.ChoiceField(label=_("Readiness level (TRL)"), required=False)
    intended_protection = forms.MultipleChoiceField(
        label=_("Intended protection"), required=False, widget=forms.CheckboxSelectMultiple
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, departments=(), include_secret: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = presenters.industry_choices()
        self.fields["sei"].choices = presenters.sei_choices()
        self.fields["trl"].choices = presenters.trl_choices()
        self.fields["intended_protection"].choices = presenters.ip_choices(include_secret)
        self.fields["department"].choices = [("", "—"), *departments]

    @staticmethod
    def initial_from(obj, protection_field: str = "intended_protection") -> dict:
        return {
            "industry": obj.industry.code if obj.industry_id else "",
            "sei": obj.sei.code if obj.sei_id else "",
            "keywords": ", ".join(obj.keywords or []),
            "trl": str(obj.trl) if obj.trl else "",
            "intended_protection": list(getattr(obj, protection_field) or []),
            "department": str(obj.department_id) if obj.department_id else "",
        }


class FundingRowForm(forms.Form):
    project = forms.CharField(label=_("Project"), required=False, max_length=200)
    number = forms.CharField(label=_("Project number"), required=False, max_length=60)
    funder = forms.CharField(label=_("Funder"), required=False, max_length=120)


class PriorRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(label=_("Journal, meeting or place"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(presenters.PRIOR_KIND_LABELS.items())


class InventorRowForm(forms.Form):
    user = forms.ChoiceField(label=_("Colleague"), required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    institution_name = forms.CharField(label=_("Institution"), required=False, max_length=200)
    share = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
    )
    paid_here = forms.BooleanField(label=_("Paid here"), required=False, initial=True)
    is_main = forms.BooleanField(label=_("Main contributor"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— external inventor —")), *people]
        self.fields["name"].widget.attrs["placeholder"] = _("External inventor's name")
        self.fields["institution_name"].widget.attrs["placeholder"] = _("Their institution")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("user") or (data.get("name") or "").strip() or data.get("share"))


FundingFormSet = forms.formset_factory(FundingRowForm, extra=3)
PriorFormSet = forms.formset_factory(PriorRowForm, extra=3)
InventorFormSet = forms.formset_factory(InventorRowForm, extra=3)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (.docx), PNG or JPEG, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write a comment…")}),
    )
    internal = forms.BooleanField(
        label=_("Internal note: visible to the transfer office only"), required=False
    )


class AssignForm(forms.Form):
    manager = forms.ChoiceField(label=_("Technology manager"))

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "—"), *managers]


class ScoreForm(forms.Form):
    """One score (1–5) and comment per criterion of the review checklist."""

    SCORES = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.code}"] = forms.ChoiceField(
                label=criterion.display_name,
                choices=self.SCORES,
                required=False,
                help_text=criterion.display_description,
            )
            self.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=2000
            )

    def rows(self):
        for criterion in self.criteria:
            yield (
                criterion,
                self[f"score_{criterion.code}"],
                self[f"comment_{criterion.code}"],
            )

    def scores(self) -> dict:
        return {
            criterion.code: (
                self.cleaned_data[f"score_{criterion.code}"],
                self.cleaned_data[f"comment_{criterion.code}"],
            )
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.code}")
        }


class ReportForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=[("", "—"), *Conclusion.choices])
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    report_date = forms.DateField(
        label=_("Report date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    provider_name = forms.CharField(
        label=_("Service provider"),
        required=False,
        max_length=200,
        help_text=_("Leave empty when the office wrote the report itself."),
    )
    file = forms.FileField(label=_("Report file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_date"].initial = timezone.localdate()


class ReturnForm(forms.Form):
    message = forms.CharField(
        label=_("What information is missing?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    protection_type = forms.ChoiceField(label=_("Protect as"), required=False)
    merge_into = forms.ChoiceField(label=_("Merge into"), required=False)
    note = forms.CharField(
        label=_("Note to the inventors"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protection_type"].choices = [
            ("", "—"),
            *presenters.ip_choices(include_secret=False),
        ]
        self.fields["merge_into"].choices = [("", "—"), *results]


class ResultForm(ClassificationForm):
    """The office's editor of a registered result."""

    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    abstract = forms.CharField(
        label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    field_order = [
        "title",
        "title_en",
        "abstract",
        "industry",
        "sei",
        "keywords",
        "trl",
        "ip_types",
        "department",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ip_types"] = self.fields.pop("intended_protection")
        self.fields["ip_types"].label = _("Protection")
        self.order_fields(self.field_order)

    @staticmethod
    def initial_from(obj, protection_field: str = "ip_types") -> dict:
        initial = ClassificationForm.initial_from(obj, "ip_types")
        initial["ip_types"] = initial.pop("intended_protection")
        initial.update({"title": obj.title, "title_en": obj.title_en, "abstract": obj.abstract})
        return initial
