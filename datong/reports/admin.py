import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import ReportNarrative, ReportTemplate
from .services import template_errors


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = [
            "code",
            "version",
            "effective_year",
            "title",
            "title_en",
            "source",
            "sections",
            "is_active",
        ]

    def clean_sections(self):
        sections = self.cleaned_data["sections"]
        problems = template_errors(sections)
        if problems:
            raise ValidationError(problems)
        return sections


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    """New template versions are validated against the sources' allow-lists, like the API."""

    form = ReportTemplateForm
    list_display = ("title", "code", "version", "effective_year", "is_active", "updated_at")
    list_filter = ("code", "is_active")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        latest = ReportTemplate.objects.order_by("-effective_year", "-pk").first()
        if latest is not None:
            initial.setdefault("sections", json.dumps(latest.sections, ensure_ascii=False))
            initial.setdefault("title", latest.title)
            initial.setdefault("title_en", latest.title_en)
        return initial


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ("institution", "year", "section", "updated_at")
    list_filter = ("year", "section")
    readonly_fields = ("institution", "year", "section", "text", "updated_by", "updated_at")

    def has_add_permission(self, request):
        return False
