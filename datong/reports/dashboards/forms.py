from django import forms
from django.utils.translation import gettext_lazy as _

from datong.core.forms import ServiceModelForm

from .models import AgreementYear, CooperationAgreement


class AgreementForm(ServiceModelForm):
    class Meta:
        model = CooperationAgreement
        fields = (
            "title",
            "partner_province",
            "partner_city",
            "signed_year",
            "year_from",
            "year_to",
            "centre_name",
            "note",
        )
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "partner_city": _("The city or district, when the partner is a city government."),
            "centre_name": _("The joint centre or institute the agreement set up, if any."),
        }


class YearForm(ServiceModelForm):
    class Meta:
        model = AgreementYear
        fields = ("year", "projects", "contract_total", "note")
