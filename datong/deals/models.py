"""Technology contracts: parties, licence grants, payment schedules, payments received and
royalty reports. Invariants only; every write is in ``services``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution

ZERO = Decimal("0.00")


class ContractType(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    EQUITY = "equity", _("Equity investment")
    DEVELOPMENT = "development", _("Technology development")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")


#: Contract types whose income is distributed to the inventors as a conversion (DOMAIN.md §2).
CONVERSION_TYPES = (ContractType.TRANSFER, ContractType.LICENCE, ContractType.EQUITY)


class Exclusivity(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    SOLE = "sole", _("Sole")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")


class PricingMethod(models.TextChoices):
    AGREED = "agreed", _("Agreed price")
    AUCTION = "auction", _("Auction")
    LISTED = "listed", _("Listed price")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "Draft")
    ANNOUNCED = "announced", _("Publicly announced")
    SIGNED = "signed", _("Signed")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class Contract(TimeStampedModel):
    """One technology contract of an institution (the seller / licensor / investor side)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    number = models.CharField(_("contract number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType.choices, db_index=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ContractStatus.choices,
        default=ContractStatus.DRAFT,
        db_index=True,
    )
    pricing_method = models.CharField(
        _("pricing method"), max_length=16, choices=PricingMethod.choices, blank=True
    )
    #: A licence's exclusivity as the contract states it (its grants carry their own).
    exclusivity = models.CharField(
        _("exclusivity"), max_length=16, choices=Exclusivity.choices, blank=True
    )
    #: The public announcement of an agreed price (协议定价公示): start date and working days.
    announcement_start = models.DateField(_("announcement starts"), null=True, blank=True)
    announcement_days = models.PositiveSmallIntegerField(
        _("announcement period (working days)"), null=True, blank=True
    )
    announcement_end = models.DateField(_("announcement ends"), null=True, blank=True)
    announcement_url = models.URLField(_("announcement page"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    amount = models.DecimalField(
        _("contract amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    #: 技术合同认定登记: the 16-digit number and the approved technology income.
    registration_number = models.CharField(_("registration number"), max_length=16, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    approved_tech_income = models.DecimalField(
        _("approved technology income (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    results = models.ManyToManyField(
        "results.Result", verbose_name=_("results"), related_name="contracts", blank=True
    )
    filings = models.ManyToManyField(
        "ip.Filing", verbose_name=_("filings"), related_name="contracts", blank=True
    )
    match_case = models.ForeignKey(
        "cases.MatchCase",
        verbose_name=_("match case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technology manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_contracts",
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Contracts are the office's confidential records.
    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["-signed_on", "-created_at", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="contract_number_once")
        ]
        indexes = [
            models.Index(fields=["institution", "contract_type", "signed_on"]),
            models.Index(fields=["institution", "status"]),
            # Covering index for the annual report and the dashboards (PostgreSQL; elsewhere the
            # plain part of it): a year's contracts of an institution without the table.
            models.Index(
                fields=["institution", "signed_on"],
                include=["id", "contract_type", "status", "amount"],
                name="contract_inst_signed_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class PartyRole(models.TextChoices):
    SELLER = "seller", _("Seller / licensor")
    BUYER = "buyer", _("Buyer / licensee")
    INVESTEE = "investee", _("Company invested in")
    OTHER = "other", pgettext_lazy("party role", "Other")


class ContractParty(models.Model):
    """One party of a contract, as the registration form records it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution in Datong"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contract_parties",
    )
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    #: GB/T 2260 region code (province level or finer).
    region = models.CharField(_("region"), max_length=6, blank=True)
    #: Legal-entity type code of the registration form (data: ``deals/data/entity_types.json``).
    entity_type = models.CharField(_("legal-entity type"), max_length=8, blank=True)
    is_sme = models.BooleanField(_("small or medium-sized enterprise"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contract party")
        verbose_name_plural = _("contract parties")
        indexes = [
            models.Index(
                fields=["contract", "role"],
                include=["position", "id", "region", "is_sme", "name"],
                name="party_contract_role_cover",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LicenceGrant(models.Model):
    """What a licence grants on one result: field of use × territory × term × exclusivity."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="grants")
    result = models.ForeignKey(
        "results.Result", on_delete=models.PROTECT, related_name="licence_grants"
    )
    #: A GB/T 4754 industry (section or finer); empty means every field of use.
    field_of_use = models.ForeignKey(
        "results.Classification",
        verbose_name=_("field of use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: "WORLD", an ISO country code ("CN", "US", …) or a GB/T 2260 province code.
    territory = models.CharField(_("territory"), max_length=8, default="CN")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    exclusivity = models.CharField(_("exclusivity"), max_length=16, choices=Exclusivity.choices)
    sublicensable = models.BooleanField(_("may sub-license"), default=False)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("licence grant")
        verbose_name_plural = _("licence grants")
        indexes = [models.Index(fields=["result", "exclusivity"])]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_exclusivity_display()}"


class TermKind(models.TextChoices):
    INSTALMENT = "instalment", _("Instalment")
    MILESTONE = "milestone", _("Milestone payment")
    ROYALTY = "royalty", _("Running royalty")


class PaymentTerm(models.Model):
    """One line of a contract's payment schedule."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(_("kind"), max_length=16, choices=TermKind.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    #: Running royalty: percentage of the licensee's reported sales.
    royalty_rate = models.DecimalField(
        _("royalty rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    #: Milestone terms fall due when the milestone is reached (date set then).
    reached_on = models.DateField(_("milestone reached on"), null=True, blank=True)
    #: When the contract's manager was told this term is overdue (once per term).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "due_on", "pk"]
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class RoyaltyReport(models.Model):
    """A licensee's sales report for one period and the royalty it owes."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="royalty_reports")
    term = models.ForeignKey(PaymentTerm, on_delete=models.PROTECT, related_name="royalty_reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    sales = models.DecimalField(_("reported sales (yuan)"), max_digits=16, decimal_places=2)
    royalty = models.DecimalField(_("royalty due (yuan)"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    reported_on = models.DateField(_("reported on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    #: When the contract's manager was told this royalty is overdue (once per report).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "pk"]
        verbose_name = _("royalty report")
        verbose_name_plural = _("royalty reports")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "period_start"], name="royalty_report_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.period_start}–{self.period_end}"


class Payment(models.Model):
    """Money received under a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    term = models.ForeignKey(
        PaymentTerm,
        verbose_name=_("payment term"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    received_on = models.DateField(_("received on"), db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        indexes = [
            models.Index(
                fields=["contract", "received_on"],
                include=["amount"],
                name="payment_contract_cover",
            ),
            models.Index(
                fields=["received_on"],
                include=["contract", "amount"],
                name="payment_received_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.received_on} {self.amount}"
