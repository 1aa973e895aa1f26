from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.institutions.regions import province_choices
from datong.results.presenters import industry_choices

from .models import EngagementMode, EnterpriseSize

TRL_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 10)]
TRL_NEEDED_CHOICES = [("", "—")] + [(str(n), f"TRL {n}") for n in range(1, 10)]


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
        label=_("Deadline"),
        required=False,
        # An <input type=date> shows only an ISO date: without the format an edited demand
        # would show its deadline empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ipc_codes = forms.CharField(
        label=_("IPC classes"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. H01M 10/052, G06T 7/00"),
    )
    min_trl = forms.ChoiceField(
        label=_("Readiness needed (TRL)"),
        required=False,
        help_text=_("The lowest readiness level a solution must have reached."),
    )

    def __init__(self, *args, enterprises=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(str(i.pk), i.display_name) for i in enterprises]
        self.fields["region"].choices = [("", "—"), *province_choices(get_language() or "zh-hans")]
        self.fields["min_trl"].choices = TRL_NEEDED_CHOICES
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
            "ipc_codes": ", ".join(demand.ipc_codes),
            "min_trl": str(demand.min_trl or ""),
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("institution", None)
        return data


# --- expert and enterprise profiles, registration --------------------------------------------


class GroupedFields:
    """A form shown in two parts: the ``SHORT`` fields two to a row, then the others."""

    SHORT: tuple[str, ...] = ()

    @property
    def short_fields(self):
        return [self[name] for name in self.SHORT]

    @property
    def long_fields(self):
        return [field for field in self if field.name not in self.SHORT]


class ExpertProfileForm(GroupedFields, forms.Form):
    SHORT = ("institution", "department", "title", "industry", "keywords")

    institution = forms.ChoiceField(label=_("Institution"))
    department = forms.ChoiceField(label=_("Department"), required=False)
    title = forms.CharField(
        label=_("Professional title"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Professor, Research fellow")}),
    )
    # Not "fields": that name is the form's own dictionary of fields.
    research_fields = forms.CharField(
        label=_("Research fields"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What you work on, in a few phrases that industry understands."),
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separated by commas or spaces")
    )
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"), required=False)
    bio = forms.CharField(
        label=_("Biography"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    publications = forms.CharField(
        label=_("Publications"),
        widget=forms.Textarea(attrs={"rows": 7}),
        required=False,
        help_text=_("One publication per line, at most 50."),
    )

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        institutions = list(institutions)
        self.fields["institution"].choices = [(i.slug, i.display_name) for i in institutions]
        groups = [
            (i.display_name, [(str(d.pk), d.display_name) for d in i.departments.all()])
            for i in institutions
        ]
        if len(groups) == 1:
            groups = groups[0][1]
        self.fields["department"].choices = [("", "—"), *groups]
        self.fields["industry"].choices = industry_choices()

    @classmethod
    def initial_from(cls, profile) -> dict:
        return {
            "institution": profile.institution.slug,
            "department": str(profile.department_id or ""),
            "title": profile.title,
            "research_fields": profile.fields,
            "keywords": ", ".join(profile.keywords),
            "industry": profile.industry.code if profile.industry_id else "",
            "bio": profile.bio,
            "publications": profile.publications,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("research_fields", "")
        return data


class EnterpriseProfileForm(GroupedFields, forms.Form):
    SHORT = ("industry", "size", "employees", "founded_year", "province", "city", "website")

    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"), required=False)
    size = forms.ChoiceField(label=_("Enterprise size"), required=False)
    employees = forms.IntegerField(label=_("Employees"), required=False, min_value=0)
    founded_year = forms.IntegerField(label=_("Year founded"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    main_products = forms.CharField(
        label=_("Main products"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tech_fields = forms.CharField(
        label=_("Technology fields of interest"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The technologies you look for at universities and institutes."),
    )
    description = forms.CharField(
        label=_("About the enterprise"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = industry_choices()
        self.fields["size"].choices = [("", "—"), *EnterpriseSize.choices]
        self.fields["province"].choices = [
            ("", "—"),
            *province_choices(get_language() or "zh-hans"),
        ]

    @classmethod
    def initial_from(cls, institution, profile) -> dict:
        initial = {
            "province": institution.province,
            "city": institution.city,
            "website": institution.website,
            "description": institution.description,
        }
        if profile is not None:
            initial.update(
                {
                    "industry": profile.industry.code if profile.industry_id else "",
                    "size": profile.size,
                    "employees": profile.employees,
                    "founded_year": profile.founded_year,
                    "main_products": profile.main_products,
                    "tech_fields": profile.tech_fields,
                }
            )
        return initial

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class EnterpriseRegistrationForm(forms.Form):
    COMPANY = ("name", "credit_code", "province", "city", "industry", "size")
    ACCOUNT = ("contact_name", "phone", "email", "username", "password", "password2")

    name = forms.CharField(label=_("Company name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("The 18 characters on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    province = forms.ChoiceField(label=_("Province"))
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754-2017)"))
    size = forms.ChoiceField(label=_("Enterprise size"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in: letters, digits or _ . @ + -"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", "—"),
            *province_choices(get_language() or "zh-hans"),
        ]
        self.fields["industry"].choices = industry_choices()
        self.fields["size"].choices = [("", "—"), *EnterpriseSize.choices]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    @property
    def company_fields(self):
        return [self[name] for name in self.COMPANY]

    @property
    def account_fields(self):
        return [self[name] for name in self.ACCOUNT]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("password2", None)
        return data
