"""Bridging service validation errors back onto the form the user filled in."""

from django import forms
from django.core.exceptions import ValidationError


def attach_errors(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ``ValidationError`` on ``form``: per field where the form has it."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            name = aliases.get(field, field)
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only cleans input: it never touches its instance, because the service
    (which compares old and new values for the audit log) is what writes."""

    def _post_clean(self):
        return None
