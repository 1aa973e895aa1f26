"""Forms of the income pages. They only clean input; the services validate and write."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import INCOME_CATEGORIES, Channel, DealType, EntryCategory, EntryKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERCENT = {"min": "0", "max": "100", "step": "0.01"}
MONEY = {"min": "0", "step": "0.01", "inputmode": "decimal"}

#: Tri-state facts the tax rule needs: yes, no, or not known (counts as not holding).
FACT_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("", _("Not known"))]
IP_CHOICES = [
    ("invention_patent", _("Invention patent")),
    ("utility_model", _("Utility model")),
    ("design", _("Design")),
    ("software_copyright", _("Software copyright")),
    ("ic_layout", _("IC layout design")),
    ("plant_variety", _("Plant variety")),
    ("biomedical_variety", _("New biomedical variety")),
    ("technical_secret", _("Technical secret")),
]


def fact_value(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def fact_field(label, initial="yes", help_text=""):
    return forms.ChoiceField(
        label=label, choices=FACT_CHOICES, required=False, initial=initial, help_text=help_text
    )


class PolicyForm(forms.Form):
    institution = forms.ChoiceField(label=_("Institution"))
    version = forms.CharField(
        label=_("Version"), max_length=40, help_text=_("E.g. the document number.")
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    source = forms.CharField(label=_("Source document"), max_length=300)
    team_share = forms.DecimalField(
        label=_("Team (%)"), max_digits=5, decimal_places=2, widget=forms.NumberInput(PERCENT)
    )
    institution_share = forms.DecimalField(
        label=_("Institution (%)"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(PERCENT),
    )
    department_share = forms.DecimalField(
        label=_("Department (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(PERCENT),
    )
    office_share = forms.DecimalField(
        label=_("Transfer office (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(PERCENT),
    )
    equity_team_share = forms.DecimalField(
        label=_("Team's part of shares obtained (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the same as the team's share."),
        widget=forms.NumberInput(PERCENT),
    )
    main_contributor_share = forms.DecimalField(
        label=_("Main contributors' minimum (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("50"),
        widget=forms.NumberInput(PERCENT),
    )
    tiers = forms.CharField(
        label=_("Amount tiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "1000000 70\n* 60"}),
        help_text=_(
            "Optional. One band a line: the upper bound of net income in yuan and the team's "
            "share in %; the last line starts with * (no bound). Applied marginally."
        ),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(i.slug, i.display_name) for i in institutions]

    def clean_tiers(self) -> list[dict]:
        bands = []
        for number, line in enumerate((self.cleaned_data.get("tiers") or "").splitlines(), 1):
            parts = line.replace(",", " ").replace("，", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValidationError(
                    _("Line %(n)d: give the upper bound (or *) and the team's share.")
                    % {"n": number}
                )
            upper, team = parts
            try:
                team_value = Decimal(team.rstrip("%"))
                upper_value = None if upper in ("*", "-", "∞") else Decimal(upper)
            except InvalidOperation as exc:
                raise ValidationError(
                    _("Line %(n)d: the figures are not numbers.") % {"n": number}
                ) from exc
            bands.append(
                {
                    "up_to": None if upper_value is None else str(upper_value),
                    "team": str(team_value),
                }
            )
        return bands


class EntryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=EntryCategory.choices, initial=EntryCategory.PATENT_FEE
    )
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, widget=forms.NumberInput(MONEY)
    )
    description = forms.CharField(
        label=pgettext_lazy("ledger", "Description"), max_length=300, required=False
    )
    filing = forms.ChoiceField(label=_("Filing"), required=False)

    def __init__(self, *args, filings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filings = {str(f.pk): f for f in filings}
        self.fields["filing"].choices = [("", _("The whole result"))] + [
            (key, str(f)) for key, f in self.filings.items()
        ]
        if not self.filings:
            del self.fields["filing"]

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category:
            data["kind"] = EntryKind.INCOME if category in INCOME_CATEGORIES else EntryKind.COST
        data["filing"] = self.filings.get(data.get("filing") or "")
        return data


class DistributionForm(forms.Form):
    """Fields per ledger entry (``take_<id>``) and per inventor paid here (``channel_<id>``,
    ``defer_<id>``) are added for the result at hand."""

    deal_type = forms.ChoiceField(label=_("Deal type"), choices=DealType.choices)
    decided_on = forms.DateField(
        label=_("Distribution date"), widget=DATE, initial=timezone.localdate
    )
    ownership_share = forms.DecimalField(
        label=_("Institution's ownership (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("100"),
        widget=forms.NumberInput(PERCENT),
        help_text=_("Below 100 when the result is co-owned with other institutions."),
    )
    contract = forms.ChoiceField(label=_("Contract"), required=False)
    shares_obtained = forms.DecimalField(
        label=_("Shares obtained (%)"),
        max_digits=7,
        decimal_places=4,
        required=False,
        widget=forms.NumberInput({"min": "0", "max": "100", "step": "0.0001"}),
        help_text=_("Equity investment: the percentage of the company's shares obtained."),
    )
    recipients_listed = fact_field(_("Recipients publicly listed"))
    withheld = fact_field(_("Tax withheld and filed by the institution"))
    job_result = fact_field(_("Job-related result (职务科技成果)"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, entries=(), inventors=(), contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = [e for e in entries if e.remaining > 0]
        self.inventors = [i for i in inventors if i.paid_here]
        self.contracts = {str(c.pk): c for c in contracts}
        self.fields["contract"].choices = [("", _("None"))] + [
            (key, f"{c.number} {c.title}") for key, c in self.contracts.items()
        ]
        for entry in self.entries:
            self.fields[f"take_{entry.pk}"] = forms.DecimalField(
                label=str(entry),
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                # Two places on every database (SQLite returns the sum without them).
                initial=Decimal(entry.remaining).quantize(Decimal("0.01")),
                widget=forms.NumberInput(MONEY),
            )
        for inventor in self.inventors:
            self.fields[f"channel_{inventor.pk}"] = forms.ChoiceField(
                label=inventor.name, choices=Channel.choices, initial=Channel.CASH
            )
            self.fields[f"defer_{inventor.pk}"] = forms.BooleanField(
                label=_("Elects tax deferral"), required=False
            )

    def entry_rows(self):
        return [(e, self[f"take_{e.pk}"]) for e in self.entries]

    def inventor_rows(self):
        return [(i, self[f"channel_{i.pk}"], self[f"defer_{i.pk}"]) for i in self.inventors]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "deal_type": data["deal_type"],
            "decided_on": data["decided_on"],
            "ownership_share": data["ownership_share"],
            "contract": self.contracts.get(data.get("contract") or ""),
            "takings": [(e, data.get(f"take_{e.pk}") or Decimal("0")) for e in self.entries],
            "channels": {i.pk: data[f"channel_{i.pk}"] for i in self.inventors},
            "deferrals": {i.pk: bool(data.get(f"defer_{i.pk}")) for i in self.inventors},
            "tax_facts": {
                name: fact_value(data.get(name) or "")
                for name in ("recipients_listed", "withheld", "job_result")
            },
            "shares_obtained": data.get("shares_obtained"),
            "note": data.get("note") or "",
        }


class ExecuteForm(forms.Form):
    paid_on = forms.DateField(
        label=pgettext_lazy("reward", "Paid on"), widget=DATE, initial=timezone.localdate
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CalculatorForm(forms.Form):
    deal_type = forms.ChoiceField(label=_("Deal type"), choices=DealType.choices)
    income = forms.DecimalField(
        label=_("Income (yuan)"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("1000000"),
        widget=forms.NumberInput(MONEY),
    )
    costs = forms.DecimalField(
        label=_("Costs (yuan)"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
        required=False,
        widget=forms.NumberInput(MONEY),
    )
    institution = forms.ChoiceField(label=_("Policy of"), required=False)
    ownership_share = forms.DecimalField(
        label=_("Institution's ownership (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("100"),
        widget=forms.NumberInput(PERCENT),
    )
    on = forms.DateField(
        label=_("Distribution date"), widget=DATE, required=False, initial=timezone.localdate
    )
    income_received_on = forms.DateField(label=_("Income received on"), widget=DATE, required=False)
    paid_on = forms.DateField(label=_("Reward paid on"), widget=DATE, required=False)
    ip_types = forms.MultipleChoiceField(
        label=_("Protection"),
        choices=IP_CHOICES,
        required=False,
        initial=["invention_patent"],
        widget=forms.CheckboxSelectMultiple,
    )
    contract_registered = fact_field(_("Contract registered"))
    recipients_listed = fact_field(_("Recipients publicly listed"))
    withheld = fact_field(_("Tax withheld and filed by the institution"))
    job_result = fact_field(_("Job-related result (职务科技成果)"))
    shares_obtained = forms.DecimalField(
        label=_("Shares obtained (%)"),
        max_digits=7,
        decimal_places=4,
        required=False,
        widget=forms.NumberInput({"min": "0", "max": "100", "step": "0.0001"}),
    )
    deferral_elected = forms.BooleanField(label=_("Tax deferral elected"), required=False)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", _("None: the statutory defaults"))] + [
            (i.slug, i.display_name) for i in institutions
        ]


class InventorRowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    share = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(PERCENT),
    )
    is_main = forms.BooleanField(label=_("Main contributor"), required=False)
    paid_here = forms.BooleanField(label=_("Paid here"), required=False, initial=True)
    channel = forms.ChoiceField(label=_("Paid as"), choices=Channel.choices, initial=Channel.CASH)
    other_income = forms.DecimalField(
        label=_("Other annual income (yuan)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        initial=Decimal("0"),
        widget=forms.NumberInput(MONEY),
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("share") is None:
            self.add_error("share", _("Give the contribution share."))
        return data


InventorFormSet = forms.formset_factory(InventorRowForm, extra=3, max_num=20)
