from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.institutions.regions import province_choices

from .models import EngagementMode

TRL_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 10)]


class ListingForm(forms.Form):
    title = forms.CharField(label=_("Public title"), max_length=200)
    summary = forms.CharField(
        label=_("Public summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_(
            "Written for industry: what it does and why it matters. No confidential detail."
        ),
    )
    key_points = forms.CharField(
        label=_("Key points"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    applications = forms.CharField(
        label=_("Applications"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    engagement_modes = forms.MultipleChoiceField(
        label=_("Engagement modes"),
        choices=EngagementMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ip_status = forms.CharField(
        label=_("IP status"),
        max_length=300,
        required=False,
        help_text=_("As the office wants it shown, e.g. “Invention patent granted (2024)”."),
    )
    trl = forms.ChoiceField(label=_("Readiness level (TRL)"), choices=TRL_CHOICES, required=False)
    contact = forms.ChoiceField(label=_("Technology manager to contact"), required=False)

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "—")] + [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in contacts
        ]

    @classmethod
    def initial_from(cls, listing) -> dict:
        return {
            "title": listing.title,
            "summary": listing.summary,
            "key_points": listing.key_points,
            "applications": listing.applications,
            "engagement_modes": listing.engagement_modes,
            "ip_status": listing.ip_status,
            "trl": str(listing.trl or ""),
            "contact": str(listing.contact_id or ""),
        }

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class DemandForm(forms.Form):
    institution = forms.ChoiceField(label=_("Enterprise"))
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    key_points = forms.CharField(
        label=_("Key technical points"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    goals = forms.CharField(
        label=_("Expected goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separated by commas or spaces")
    )
    budget = forms.DecimalField(
        label=_("Budget (10,000 yuan)"), max_digits=12, decimal_places=2, required=False
    )
    cooperation_mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        choices=[("", "—"), *EngagementMode.choices],
        required=False,
    )
    industry = forms.CharField(
        label=_("Industry"),
        required=False,
        max_length=8,
        help_text=_("A GB/T 4754-2017 code, e.g. C or 38"),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, enterprises=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(str(i.pk), i.display_name) for i in enterprises]
        self.fields["region"].choices = [("", "—"), *province_choices(get_language() or "zh-hans")]
        if editing:
            del self.fields["institution"]

    @classmethod
    def initial_from(cls, demand) -> dict:
        return {
            "title": demand.title,
            "problem": demand.problem,
            "key_points": demand.key_points,
            "goals": demand.goals,
            "keywords": ", ".join(demand.keywords),
            "budget": demand.budget,
            "cooperation_mode": demand.cooperation_mode,
            "industry": demand.industry.code if demand.industry_id else "",
            "region": demand.region,
            "deadline": demand.deadline,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("institution", None)
        return data
