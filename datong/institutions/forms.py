from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.core.forms import ServiceModelForm

from .models import Institution
from .regions import province_choices


class InstitutionForm(ServiceModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = [
            "name",
            "name_en",
            "short_name",
            "province",
            "city",
            "address",
            "email",
            "phone",
            "credit_code",
            "description",
            "description_en",
            "is_listed",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ``website`` is declared on the form (to choose its scheme), so fill it in and put it
        # back in its place among the model's fields.
        if self.instance.pk and "website" not in self.initial:
            self.initial["website"] = self.instance.website
        order = list(self.Meta.fields)
        order.insert(order.index("address") + 1, "website")
        self.order_fields(order)
        self.fields["province"] = forms.ChoiceField(
            label=self.fields["province"].label,
            required=False,
            choices=[("", "—"), *province_choices(get_language() or "zh-hans")],
        )
