from django.contrib import admin

from datong.core.admin import ReadOnlyAdmin

from .models import Alliance, AllianceMember, Department, Institution, Membership


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "province", "is_listed")
    list_filter = ("kind", "is_listed")
    search_fields = ("name", "name_en", "slug")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "institution")
    search_fields = ("name",)


@admin.register(Alliance)
class AllianceAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "secretariat")


@admin.register(AllianceMember)
class AllianceMemberAdmin(ReadOnlyAdmin):
    list_display = ("alliance", "institution", "joined_on")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "institution", "role", "department")
    list_filter = ("role",)
