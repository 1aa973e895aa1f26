"""Patents and other IP: families, filings per route and country, their events (from which the
legal status is derived), ownership periods, the docket, annuities and costs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution


class IPFamily(TimeStampedModel):
    """One invention's IP: every filing of it, in every route and country."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="ip_families",
    )
    result = models.ForeignKey(
        "results.Result",
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ip_families",
    )
    reference = models.CharField(_("docket reference"), max_length=40, blank=True)
    ip_type = models.CharField(_("IP type"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True)
    inventors = models.JSONField(_("inventors"), default=list, blank=True)
    claims_count = models.PositiveSmallIntegerField(_("claims"), null=True, blank=True)
    independent_claims = models.PositiveSmallIntegerField(
        _("independent claims"), null=True, blank=True
    )
    forward_citations = models.PositiveIntegerField(_("forward citations"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The institution's members see its IP records; the office writes them.
    scope_rule = ScopeRule(institution="institution")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("IP family")
        verbose_name_plural = _("IP families")
        indexes = [models.Index(fields=["institution", "ip_type"])]

    def __str__(self) -> str:
        return self.reference or self.title

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class Route(models.TextChoices):
    CN = "cn", _("Chinese national application")
    PARIS = "paris", _("Paris Convention application abroad")
    PCT = "pct", _("PCT international application")
    NATIONAL_PHASE = "national_phase", _("PCT national phase")
    HK = "hk", _("Hong Kong standard patent")
    EP = "ep", _("European patent")
    VALIDATION = "validation", _("Validation of a European patent")
    REGISTRATION = "registration", _("Registration (copyright, layout design, variety)")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    PRIORITY = "priority", _("claims priority of")
    CONTINUATION = "continuation", _("continuation of")
    DIVISIONAL = "divisional", _("divisional of")
    NATIONAL_PHASE = "national_phase", _("national phase of")
    VALIDATION = "validation", _("validation of")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PUBLISHED = "published", _("Published")
    EXAMINATION = "examination", _("Under substantive examination")
    GRANTED = "granted", _("Granted, in force")
    REGISTERED = "registered", _("Registered")
    EXPIRED = "expired", _("Term expired")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")
    INVALIDATED = "invalidated", _("Invalidated")


class Filing(TimeStampedModel):
    """One application or registration of a family, in one route and country."""

    family = models.ForeignKey(IPFamily, on_delete=models.CASCADE, related_name="filings")
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    country = models.CharField(_("country or office"), max_length=4, default="CN")
    kind = models.CharField(_("kind"), max_length=32)
    application_number = models.CharField(_("application number"), max_length=40, blank=True)
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    priority_date = models.DateField(_("priority date"), null=True, blank=True)
    publication_number = models.CharField(_("publication number"), max_length=40, blank=True)
    grant_number = models.CharField(_("grant or registration number"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("related filing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices, blank=True)
    agency = models.ForeignKey(
        Institution,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agency_filings",
    )
    attorney = models.CharField(_("attorney"), max_length=100, blank=True)
    term_extension_days = models.PositiveIntegerField(_("term compensation (days)"), default=0)
    #: Derived from the events by ``services.filing_refresh_status``: never typed in.
    legal_status = models.CharField(
        _("legal status"),
        max_length=16,
        choices=LegalStatus.choices,
        default=LegalStatus.PENDING,
        editable=False,
        db_index=True,
    )

    scope_rule = ScopeRule(institution="family__institution")

    class Meta:
        ordering = ["filing_date", "pk"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "application_number"],
                condition=~Q(application_number=""),
                name="filing_number_once_per_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.application_number or self.get_route_display()}"

    @property
    def audit_institution_id(self) -> int:
        return self.family.institution_id

    @property
    def effective_date(self):
        """The date deadline rules are chosen by and counted from (priority, else filing)."""
        return self.priority_date or self.filing_date


class EventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published")
    EXAM_REQUESTED = "exam_requested", _("Substantive examination requested")
    OFFICE_ACTION = "office_action", _("Office action received")
    RESPONSE_FILED = "response_filed", _("Response filed")
    GRANTED = "granted", _("Granted")
    REGISTERED = "registered", _("Registered")
    RENEWAL_PAID = "renewal_paid", _("Annuity paid")
    ASSIGNED = "assigned", _("Assigned")
    LICENSED = "licensed", _("Licensed")
    PLEDGED = "pledged", _("Pledged")
    LAPSED = "lapsed", _("Lapsed (annuity not paid)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")
    INVALIDATED = "invalidated", _("Invalidated")
    RESTORED = "restored", _("Rights restored")


#: Events that end a filing's life, in the order they win when several are recorded.
TERMINAL_EVENTS = (EventKind.INVALIDATED, EventKind.REJECTED, EventKind.WITHDRAWN, EventKind.LAPSED)


class FilingEvent(models.Model):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("filing event")
        verbose_name_plural = _("filing events")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class OwnershipPeriod(models.Model):
    """Who held a family between two dates, with their shares (totalling 100 %)."""

    family = models.ForeignKey(IPFamily, on_delete=models.CASCADE, related_name="ownership")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    #: [{"name": "...", "institution": id or null, "share": "60.00"}]
    holders = models.JSONField(_("holders"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("ownership period")
        verbose_name_plural = _("ownership periods")
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(end__isnull=True), name="one_open_ownership_period"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="ownership_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end or ''}"


class DocketTask(models.Model):
    """A deadline created by a rule from a filing's event or date; recomputed when dates change."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="tasks")
    rule = models.CharField(_("rule"), max_length=60)
    title = models.CharField(_("task"), max_length=200)
    due_date = models.DateField(_("due"), db_index=True)
    final_date = models.DateField(_("final date (with surcharge)"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="docket_tasks",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("docket task")
        verbose_name_plural = _("docket tasks")
        constraints = [models.UniqueConstraint(fields=["filing", "rule"], name="docket_rule_once")]

    def __str__(self) -> str:
        return f"{self.due_date} {self.title}"


class RenewalStatus(models.TextChoices):
    DUE = "due", _("Due")
    REMINDED = "reminded", _("Reminded")
    INSTRUCTED = "instructed", _("Payment instructed")
    PAID = "paid", _("Paid")
    CONFIRMED = "confirmed", _("Receipt confirmed")
    ABANDONED = "abandoned", _("Abandoned")
    LAPSED = "lapsed", _("Lapsed")


class RenewalDecision(models.TextChoices):
    MAINTAIN = "maintain", _("Maintain")
    ABANDON = "abandon", _("Abandon")
    OFFER = "offer", _("Offer for licence")


class Renewal(models.Model):
    """One year's annuity of a granted filing."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="renewals")
    year = models.PositiveSmallIntegerField(_("patent year"))
    due_date = models.DateField(_("due"))
    amount = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2)
    reduced_amount = models.DecimalField(
        _("reduced fee (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_rule = models.CharField(_("fee table"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RenewalStatus.choices, default=RenewalStatus.DUE
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=RenewalDecision.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="renewal_year_once")]

    def __str__(self) -> str:
        return f"{self.filing} year {self.year}"


class CostKind(models.TextChoices):
    OFFICIAL = "official", _("Official fee")
    AGENCY = "agency", _("Agency fee")
    TRANSLATION = "translation", _("Translation")
    ANNUITY = "annuity", _("Annuity")
    EVALUATION = "evaluation", _("Evaluation")
    OTHER = "other", _("Other")


class CostEntry(models.Model):
    """The ledger of what a filing cost; the deals module deducts from it."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("kind"), max_length=12, choices=CostKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="cost_positive")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.amount}"
