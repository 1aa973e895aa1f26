from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChangeAction, ExpertKind

REVIEWER_COUNTS = [(str(n), str(n)) for n in range(1, 6)]


class PoolAddForm(forms.Form):
    user = forms.ChoiceField(label=_("Expert"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ExpertKind.choices)
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        help_text=_("Empty: the expert's institution."),
    )
    expertise = forms.CharField(
        label=_("Expertise"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            (str(u.pk), f"{u.get_full_name()} ({u.username})") for u in candidates
        ]


class InstitutionConflictForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Expert"))
    institution = forms.ChoiceField(label=_("Institution"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, experts=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [
            (str(m.user_id), m.user.get_full_name()) for m in experts
        ]
        self.fields["institution"].choices = [("", "—")] + [
            (str(i.pk), i.display_name) for i in institutions
        ]


class AssignForm(forms.Form):
    application = forms.ChoiceField(label=_("Application"))
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args, applications=(), experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (str(a.pk), f"{a.number or '#' + str(a.pk)} {a.title}") for a in applications
        ]
        self.fields["reviewer"].choices = [
            (str(m.user_id), m.user.get_full_name()) for m in experts
        ]


class AutoAssignForm(forms.Form):
    per_application = forms.TypedChoiceField(
        label=_("Reviewers per application"), choices=REVIEWER_COUNTS, coerce=int, initial="3"
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The office sees this reason; the review is withdrawn."),
    )


class ScoreForm(forms.Form):
    """One score and one comment per criterion of the rubric, and the overall comment."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.CharField(
                label=c.name,
                required=False,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": c.max_score, "step": "0.1", "inputmode": "decimal"}
                ),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Why this score?")}),
            )

    @classmethod
    def initial_from(cls, assignment) -> dict:
        initial = {"overall_comment": assignment.overall_comment}
        for score in assignment.scores.all():
            initial[f"score_{score.criterion_id}"] = str(score.value)
            initial[f"comment_{score.criterion_id}"] = score.comment
        return initial

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {
                c.pk: {"score": data.get(f"score_{c.pk}"), "comment": data.get(f"comment_{c.pk}")}
                for c in self.criteria
            },
            "overall_comment": data.get("overall_comment", ""),
        }


class ChangeForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[
            (ChangeAction.ADD, ChangeAction.ADD.label),
            (ChangeAction.REMOVE, ChangeAction.REMOVE.label),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Committee's reason"), max_length=1000)


class PublishForm(forms.Form):
    reserve_count = forms.IntegerField(
        label=_("Reserve places"),
        min_value=0,
        max_value=100,
        initial=2,
        help_text=_(
            "The next applications by rank go to the reserve list; the others are rejected."
        ),
    )


class PromoteForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
