from django import forms
from django.utils.translation import gettext_lazy as _

from .services import NARRATIVE_MAX


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
