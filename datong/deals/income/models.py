"""Ledgers of income and costs per result, reward policies, distributions and the rewards they
pay. Invariants only; every write is in ``services``; every figure is computed in ``calc``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution

ZERO = Decimal("0.00")


class EntryKind(models.TextChoices):
    INCOME = "income", _("Income")
    COST = "cost", _("Cost")


class EntryCategory(models.TextChoices):
    CONTRACT = "contract", _("Contract payment")
    ROYALTY = "royalty", _("Royalty")
    EQUITY = "equity", _("Shares obtained (appraised value)")
    OTHER_INCOME = "other_income", _("Other income")
    PATENT_FEE = "patent_fee", _("Patent fees")
    EVALUATION = "evaluation", _("Evaluation")
    AGENCY = "agency", _("Agency fees")
    DEAL_COST = "deal_cost", _("Costs of the deal")
    OTHER_COST = "other_cost", _("Other costs")


INCOME_CATEGORIES = (
    EntryCategory.CONTRACT,
    EntryCategory.ROYALTY,
    EntryCategory.EQUITY,
    EntryCategory.OTHER_INCOME,
)


class LedgerEntry(models.Model):
    """One income or cost of a result (optionally of one filing). Its remaining balance is its
    amount less what distributions have taken of it, so a cost is never deducted twice."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    result = models.ForeignKey(
        "results.Result", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    filing = models.ForeignKey(
        "ip.Filing",
        verbose_name=_("filing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_entries",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=EntryCategory.choices)
    date = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    contract = models.ForeignKey(
        "deals.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    payment = models.ForeignKey(
        "deals.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["result", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_category_display()} {self.amount}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class RewardPolicy(TimeStampedModel):
    """An institution's reward rule from a date on; shares in percent of the net income (or of
    the shares obtained, for equity). Tiers, when given, set the team's share per band of net
    income, applied marginally."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="reward_policies"
    )
    version = models.CharField(_("version"), max_length=40)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source document"), max_length=300)
    team_share = models.DecimalField(_("team (%)"), max_digits=5, decimal_places=2)
    institution_share = models.DecimalField(_("institution (%)"), max_digits=5, decimal_places=2)
    department_share = models.DecimalField(_("department (%)"), max_digits=5, decimal_places=2)
    office_share = models.DecimalField(_("transfer office (%)"), max_digits=5, decimal_places=2)
    equity_team_share = models.DecimalField(
        _("team's part of shares obtained (%)"), max_digits=5, decimal_places=2
    )
    #: [{"up_to": "1000000.00" | null, "team": "70"}], bands in ascending order, the last open.
    tiers = models.JSONField(_("amount tiers"), default=list, blank=True)
    main_contributor_share = models.DecimalField(
        _("main contributors' minimum (%)"), max_digits=5, decimal_places=2, default=Decimal("50")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["institution", "-effective_from", "-pk"]
        verbose_name = _("reward policy")
        verbose_name_plural = _("reward policies")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "effective_from"], name="reward_policy_one_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.version}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("distribution status", "Draft")
    APPROVED = "approved", pgettext_lazy("distribution status", "Approved")
    EXECUTED = "executed", _("Executed")
    CANCELLED = "cancelled", pgettext_lazy("distribution status", "Cancelled")


#: Statuses whose takings count against ledger balances.
HOLDING_STATUSES = (
    DistributionStatus.DRAFT,
    DistributionStatus.APPROVED,
    DistributionStatus.EXECUTED,
)


class DealType(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    EQUITY = "equity", _("Equity investment")


class Distribution(TimeStampedModel):
    """One distribution of a result's net income (or shares) to the team and the institution."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="distributions"
    )
    result = models.ForeignKey(
        "results.Result", on_delete=models.PROTECT, related_name="distributions"
    )
    contract = models.ForeignKey(
        "deals.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributions",
    )
    number = models.CharField(_("number"), max_length=32)
    deal_type = models.CharField(_("deal type"), max_length=16, choices=DealType.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DistributionStatus.choices,
        default=DistributionStatus.DRAFT,
        db_index=True,
    )
    decided_on = models.DateField(_("distribution date"))
    policy = models.ForeignKey(
        RewardPolicy,
        verbose_name=_("reward policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributions",
    )
    ownership_share = models.DecimalField(
        _("institution's ownership (%)"), max_digits=5, decimal_places=2, default=Decimal("100")
    )
    income_total = models.DecimalField(_("income"), max_digits=14, decimal_places=2, default=ZERO)
    cost_total = models.DecimalField(_("costs"), max_digits=14, decimal_places=2, default=ZERO)
    net_income = models.DecimalField(_("net income"), max_digits=14, decimal_places=2, default=ZERO)
    own_net_income = models.DecimalField(
        _("this institution's net income"), max_digits=14, decimal_places=2, default=ZERO
    )
    team_pool = models.DecimalField(_("team pool"), max_digits=14, decimal_places=2, default=ZERO)
    institution_amount = models.DecimalField(
        _("institution"), max_digits=14, decimal_places=2, default=ZERO
    )
    department_amount = models.DecimalField(
        _("department"), max_digits=14, decimal_places=2, default=ZERO
    )
    office_amount = models.DecimalField(
        _("transfer office"), max_digits=14, decimal_places=2, default=ZERO
    )
    #: Equity deals: percentage of the company's shares obtained and the team's part of them.
    shares_obtained = models.DecimalField(
        _("shares obtained (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    team_shares = models.DecimalField(
        _("team's shares (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    #: The rule versions behind the figures: [{"id", "version", "source", "effective_from"}].
    rules = models.JSONField(_("rules applied"), default=list, blank=True)
    #: Facts the tax rule needs that no record holds: {"recipients_listed": bool,
    #: "withheld": bool, "job_result": bool}.
    tax_facts = models.JSONField(_("tax facts"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "number"], name="distribution_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.result.title if self.result_id else ''}".strip()

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def is_frozen(self) -> bool:
        return self.status in (DistributionStatus.EXECUTED, DistributionStatus.CANCELLED)


class DistributionLine(models.Model):
    """The part of one ledger entry a distribution takes."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="takings")
    amount = models.DecimalField(_("amount taken"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["entry__kind", "entry__date", "pk"]
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        constraints = [
            models.UniqueConstraint(fields=["distribution", "entry"], name="one_line_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.amount}"


class Channel(models.TextChoices):
    CASH = "cash", _("Cash through payroll")
    RESEARCH_ACCOUNT = "research_account", _("Credit to a research account")


class Reward(models.Model):
    """One inventor's part of a distribution, with its tax treatment."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="rewards")
    inventor = models.ForeignKey(
        "results.ResultInventor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rewards",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rewards",
    )
    name = models.CharField(_("name"), max_length=100)
    share = models.DecimalField(_("contribution share (%)"), max_digits=5, decimal_places=2)
    pool_share = models.DecimalField(
        _("share of the team pool (%)"), max_digits=9, decimal_places=6
    )
    is_main = models.BooleanField(_("main contributor"), default=False)
    channel = models.CharField(
        _("paid as"), max_length=20, choices=Channel.choices, default=Channel.CASH
    )
    amount = models.DecimalField(_("reward (yuan)"), max_digits=14, decimal_places=2)
    #: Equity deals: percentage of the company's shares.
    shares = models.DecimalField(
        _("shares (%)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    taxable = models.DecimalField(
        _("taxable amount"), max_digits=14, decimal_places=2, default=ZERO
    )
    tax_estimate = models.DecimalField(
        _("estimated income tax"), max_digits=14, decimal_places=2, default=ZERO
    )
    #: [{"code", "holds": bool | None, "detail"}] — each condition of the tax rule applied.
    conditions = models.JSONField(_("tax conditions"), default=list, blank=True)
    tax_rule = models.CharField(_("tax rule"), max_length=60, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, db_index=True)
    deferral_elected = models.BooleanField(
        _("tax deferral elected (财税〔2016〕101号)"), default=False
    )

    scope_rule = ScopeRule(institution="distribution__institution", staff_only=True, owner="user")

    class Meta:
        ordering = ["distribution", "-amount", "pk"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"
