from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PATH, CaseStage, CloseReason
from .services import MAX_MESSAGE, MAX_NOTE


class InterestForm(forms.Form):
    enterprise = forms.ChoiceField(label=_("On behalf of"))
    message = forms.CharField(
        label=_("What do you need?"),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _(
                    "Your application, the scale you plan, how you would like to cooperate…"
                ),
            }
        ),
        max_length=MAX_MESSAGE,
    )
    demand = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(enterprises) > 1:
            self.fields["enterprise"].choices = [(str(e.pk), e.display_name) for e in enterprises]
        else:
            del self.fields["enterprise"]


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"))
    deal_reference = forms.CharField(
        label=_("Contract number"),
        max_length=100,
        required=False,
        help_text=_("Needed for a deal."),
    )
    note = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NOTE,
        required=False,
        help_text=_("Seen by the office only."),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CaseStage.choices)
        start = PATH.index(case.stage) + 1 if case is not None and case.stage in PATH else 0
        self.fields["stage"].choices = [(s, labels[s]) for s in PATH[start:]]
        if self.fields["stage"].choices and not self.is_bound:
            self.initial.setdefault("stage", self.fields["stage"].choices[0][0])


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *CloseReason.choices],
        error_messages={"required": _("Choose the reason for closing the case.")},
    )
    note = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NOTE,
        required=False,
        help_text=_("Seen by the office only."),
    )


class AssignForm(forms.Form):
    manager = forms.ChoiceField(label=_("Technology manager"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in candidates
        ]
