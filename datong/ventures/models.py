"""Spin-off companies and the equity-investment workflow that creates the institution's
shareholding. Invariants only; every write is in ``services``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution


class CompanyState(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    REFUSED = "refused", pgettext_lazy("company state", "Refused")
    ACTIVE = "active", pgettext_lazy("company state", "Active")
    DORMANT = "dormant", _("Dormant")
    DISSOLVED = "dissolved", _("Dissolved")


class ListingStatus(models.TextChoices):
    UNLISTED = "unlisted", _("Not listed")
    NEEQ = "neeq", _("NEEQ (New Third Board)")
    STAR = "star", _("STAR Market")
    CHINEXT = "chinext", _("ChiNext")
    BSE = "bse", _("Beijing Stock Exchange")
    MAIN_BOARD = "main", _("Main board")
    HKEX = "hkex", _("Hong Kong Stock Exchange")
    OVERSEAS = "overseas", _("Listed abroad")


class Company(TimeStampedModel):
    """A company founded on, or invested in with, the institution's results."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="spinoffs",
    )
    name = models.CharField(_("company name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=CompanyState.choices,
        default=CompanyState.PREPARING,
        db_index=True,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    incorporated_on = models.DateField(_("incorporated on"), null=True, blank=True)
    entered_on = models.DateField(_("institution entered on"), null=True, blank=True)
    exited_on = models.DateField(_("institution exited on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    #: GB/T 2260 province code where the company lands.
    region = models.CharField(_("landing region"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    incubator = models.ForeignKey(
        Institution,
        verbose_name=_("incubator or base"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubated_companies",
    )
    industry = models.ForeignKey(
        "results.Classification",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    listing_status = models.CharField(
        _("listing status"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.UNLISTED,
    )
    stock_code = models.CharField(_("stock code"), max_length=16, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    description = models.TextField(_("business"), blank=True)
    results = models.ManyToManyField(
        "results.Result", verbose_name=_("results"), related_name="companies", blank=True
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    #: The day the company entered its current state.
    state_since = models.DateField(_("in this state since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(fields=["institution", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class Founder(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="founders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role in the company"), max_length=100, blank=True)
    #: Staff who left their post to found the company (离岗创业), for the annual report.
    on_leave = models.BooleanField(_("on leave to found the company"), default=False)
    leave_from = models.DateField(_("leave from"), null=True, blank=True)
    leave_until = models.DateField(_("leave until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("founder")
        verbose_name_plural = _("founders")

    def __str__(self) -> str:
        return self.name


class HolderKind(models.TextChoices):
    INSTITUTION = "institution", _("The institution")
    TEAM = "team", _("Research team member")
    INVESTOR = "investor", _("Investor")
    OTHER = "other", pgettext_lazy("holder", "Other")


class Contribution(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind (technology)")


class Shareholding(models.Model):
    """A dated shareholding: from ``since`` until replaced (``until``)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="shareholdings")
    holder_kind = models.CharField(_("holder"), max_length=16, choices=HolderKind.choices)
    holder_name = models.CharField(_("holder name"), max_length=200)
    percentage = models.DecimalField(_("percentage (%)"), max_digits=7, decimal_places=4)
    capital = models.DecimalField(
        _("subscribed capital (yuan)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    contribution = models.CharField(_("contribution"), max_length=16, choices=Contribution.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    #: The equity reward behind a team member's holding (财税〔2016〕101号 deferral elected there).
    reward = models.ForeignKey(
        "income.Reward",
        verbose_name=_("equity reward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shareholdings",
    )

    class Meta:
        ordering = ["-since", "-percentage", "pk"]
        verbose_name = _("shareholding")
        verbose_name_plural = _("shareholdings")

    def __str__(self) -> str:
        return f"{self.holder_name} {self.percentage}%"


class BoardSeat(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="board_seats")
    name = models.CharField(_("name"), max_length=100)
    nominated_by = models.CharField(_("nominated by"), max_length=200, blank=True)
    for_institution = models.BooleanField(_("the institution's seat"), default=False)
    role = models.CharField(_("role"), max_length=60, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-for_institution", "since", "pk"]
        verbose_name = _("board seat")
        verbose_name_plural = _("board seats")

    def __str__(self) -> str:
        return self.name


class FinancingRound(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("round"), max_length=40)
    closed_on = models.DateField(_("closed on"))
    amount = models.DecimalField(_("amount raised (yuan)"), max_digits=16, decimal_places=2)
    post_money = models.DecimalField(
        _("post-money valuation (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    investors = models.CharField(_("investors"), max_length=300, blank=True)

    class Meta:
        ordering = ["closed_on", "pk"]
        verbose_name = _("financing round")
        verbose_name_plural = _("financing rounds")

    def __str__(self) -> str:
        return f"{self.company} {self.name}"


class EquityStep(models.TextChoices):
    APPRAISAL = "appraisal", _("Appraisal")
    APPROVAL = "approval", _("Internal approvals")
    FILING = "filing", _("State-asset filing")
    REGISTRATION = "registration", _("Company registration")
    DONE = "done", _("Shares held")
    ABANDONED = "abandoned", _("Abandoned")


class EquityInvestment(TimeStampedModel):
    """Contributing results to a company for shares (作价投资), step by step."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="equity_investments"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="investments")
    contract = models.OneToOneField(
        "deals.Contract",
        verbose_name=_("equity contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="equity_investment",
    )
    results = models.ManyToManyField(
        "results.Result", verbose_name=_("results contributed"), related_name="+", blank=True
    )
    step = models.CharField(
        _("step"), max_length=16, choices=EquityStep.choices, default=EquityStep.APPRAISAL
    )
    evaluator = models.ForeignKey(
        Institution,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisals",
    )
    appraisal_report = models.CharField(_("appraisal report number"), max_length=60, blank=True)
    appraised_value = models.DecimalField(
        _("appraised value (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    #: [{"body": "...", "decision": "approved", "on": "2026-03-02", "reference": "..."}]
    approvals = models.JSONField(_("internal approvals"), default=list, blank=True)
    filing_number = models.CharField(_("state-asset filing number"), max_length=60, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    registered_on = models.DateField(_("company registered on"), null=True, blank=True)
    shares_total = models.DecimalField(
        _("shares obtained (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    institution_percentage = models.DecimalField(
        _("held by the institution (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    team_percentage = models.DecimalField(
        _("held by the team (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    #: The holder name of the team's single holding when no equity distribution names the people.
    team_holder_name = models.CharField(
        _("team holding in the name of"), max_length=200, blank=True
    )
    completed_on = models.DateField(_("shares held since"), null=True, blank=True)
    abandoned_on = models.DateField(_("abandoned on"), null=True, blank=True)
    abandon_reason = models.CharField(_("reason for abandoning"), max_length=300, blank=True)
    #: The step the investment had reached when it was abandoned.
    abandoned_at_step = models.CharField(_("abandoned at step"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("equity investment")
        verbose_name_plural = _("equity investments")

    def __str__(self) -> str:
        return f"{self.company} ({self.get_step_display()})"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id
