from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProviderCategory

QUALIFICATION_HELP = _(
    "One a line: name | number | issued by | valid until (YYYY-MM-DD), e.g. "
    "专利代理机构执业许可证 | 11234 | 国家知识产权局 | 2028-12-31"
)


def qualifications_to_text(rows) -> str:
    return "\n".join(
        " | ".join(row.get(k, "") for k in ("name", "number", "issued_by", "valid_until"))
        for row in rows or []
    )


def qualifications_from_text(text: str) -> list[dict]:
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")] + ["", "", "", ""]
        rows.append(dict(zip(("name", "number", "issued_by", "valid_until"), parts, strict=False)))
    return rows


class ProfileForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=ProviderCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    services = forms.CharField(
        label=_("Services offered"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    ipc_fields = forms.CharField(
        label=_("IPC fields"),
        required=False,
        help_text=_("Sections, classes or subclasses, separated by commas, e.g. H01M, G06F, A61"),
    )
    industry_fields = forms.CharField(
        label=_("Industry fields"),
        required=False,
        help_text=_("GB/T 4754-2017 sections or divisions, separated by commas, e.g. C, 38, 65"),
    )
    qualifications = forms.CharField(
        label=_("Qualifications"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=QUALIFICATION_HELP,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    contact_email = forms.CharField(label=_("Contact e-mail"), max_length=254, required=False)

    @classmethod
    def initial_from(cls, profile) -> dict:
        if profile is None:
            return {}
        return {
            "categories": profile.categories,
            "services": profile.services,
            "ipc_fields": ", ".join(profile.ipc_fields),
            "industry_fields": ", ".join(profile.industry_fields),
            "qualifications": qualifications_to_text(profile.qualifications),
            "contact_name": profile.contact_name,
            "contact_phone": profile.contact_phone,
            "contact_email": profile.contact_email,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["qualifications"] = qualifications_from_text(data["qualifications"])
        return data


class ReviewForm(forms.Form):
    filing = forms.ChoiceField(label=_("Engagement"))
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filing"].choices = [
            (f.pk, f"{f} · {f.family.title}"[:120]) for f in engagements
        ]


class CurationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
