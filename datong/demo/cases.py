"""Demo match cases: enterprises' interests in published listings, at every stage, with
backdated stage times so that the managers' boards show some cases waiting too long.

Open cases are dated back from the present (the moment the demo is loaded), so a board always
shows a realistic mix of fresh and overdue cards; ended cases lie in the months before.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from datong.accounts.models import User
from datong.cases.models import (
    DEFAULT_WAIT_DAYS,
    OPEN_STAGES,
    CaseStage,
    CaseStageTime,
    CloseReason,
    MatchCase,
)
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.institutions.models import Membership
from datong.market.models import Demand, Listing, ListingStatus

#: Cases of the whole demo, and of the demo university (where ``tto`` and ``manager`` work).
SIZES = {"small": (48, 16), "large": (900, 60)}
#: How the cases end up: stage → weight.
FINAL = [
    (CaseStage.ASSIGNED, 18),
    (CaseStage.CONTACTED, 20),
    (CaseStage.NDA, 14),
    (CaseStage.NEGOTIATION, 16),
    (CaseStage.DEAL, 14),
    (CaseStage.CLOSED, 18),
]
#: Days spent in a stage that the case has left: (low, high).
PASSED_DAYS = {"assigned": (0, 4), "contacted": (3, 20), "nda": (6, 35), "negotiation": (12, 80)}
OVERDUE_SHARE = 0.3

MESSAGES = [
    "您好，我们是{enterprise}技术部，正在评估“{title}”在我司产线上的应用，希望安排一次线上"
    "交流，了解中试数据和授权条件。",
    "我司计划明年启动新一代产品研发，“{title}”与我们的方向高度契合。请问是否支持独占许可？"
    "大致费用区间是多少？",
    "看到贵单位发布的“{title}”，我们有意开展联合开发，可提供中试场地和部分研发经费，期待进一步"
    "沟通。",
    "我们正在寻找可替代进口方案的国产技术。请问“{title}”目前的技术成熟度如何，是否已有企业在洽谈？",
    "公司技术负责人下周到京出差，能否安排与项目团队面谈，实地了解“{title}”的样机情况？",
    "希望在签署保密协议后获取“{title}”的详细技术资料，并了解团队能否提供后续技术服务。",
    "{enterprise}关注到“{title}”，拟作价入股或以技术许可方式合作，请技术经理与我们联系。",
]
STAGE_NOTES = {
    CaseStage.CONTACTED: [
        "已电话联系企业技术负责人，确认需求和应用场景。",
        "已发送技术简介和团队介绍，约定下周线上会议。",
        "首次视频会议完成，企业对中试数据很感兴趣。",
        "",
    ],
    CaseStage.NDA: [
        "双方签署保密协议，已向企业提供详细技术资料。",
        "保密协议经法务审核盖章，资料包已发送企业。",
        "",
    ],
    CaseStage.NEGOTIATION: [
        "第一轮商务谈判：企业倾向普通许可加销售提成。",
        "就许可费和里程碑付款进行谈判，企业希望分期支付。",
        "企业技术团队来校考察实验室，双方讨论联合开发方案。",
        "已请学校资产公司参与评估，作价方案待院务会审议。",
    ],
    CaseStage.DEAL: [
        "合同已签订，完成技术合同登记。",
        "签订技术许可合同，首付款已到账。",
        "技术转让合同经校长办公会审议通过并签署。",
    ],
}
CLOSE_NOTES = {
    CloseReason.NO_RESPONSE: "多次电话和邮件联系企业均未回复，暂停跟进。",
    CloseReason.PRICE: "企业对一次性转让报价预期差距较大，协商未果。",
    CloseReason.TECHNICAL_FIT: "企业要求的指标超出现有技术水平，建议二期研究完成后再对接。",
    CloseReason.IP_ISSUE: "核心专利尚在实质审查阶段，企业希望授权后再谈。",
    CloseReason.CHOSE_OTHER: "企业最终选择与另一家研究院合作。",
    CloseReason.WITHDRAWN: "企业因年度预算调整撤回合作意向。",
    CloseReason.OTHER: "企业内部战略调整，项目暂缓。",
}
REASON_WEIGHTS = [
    (CloseReason.NO_RESPONSE, 4),
    (CloseReason.PRICE, 5),
    (CloseReason.TECHNICAL_FIT, 4),
    (CloseReason.IP_ISSUE, 2),
    (CloseReason.CHOSE_OTHER, 3),
    (CloseReason.WITHDRAWN, 2),
    (CloseReason.OTHER, 1),
]


@dataclass
class _Plan:
    """One case's path: the stages it stays in, with when it entered each."""

    stages: list[str]
    entered: list[dt.datetime]
    ended_at: dt.datetime | None
    reason: str = ""
    times: list[tuple[str, dt.datetime, dt.datetime | None]] = field(default_factory=list)


class _CaseBuilder:
    def __init__(self, rng: random.Random, size: str, now: dt.datetime):
        self.rng = rng
        self.size = size
        self.now = now
        self.managers: dict[int, list[User]] = {}
        self.office: dict[int, User] = {}
        for m in Membership.objects.filter(
            role__in=(Role.TECH_MANAGER, Role.TTO_STAFF)
        ).select_related("user"):
            self.managers.setdefault(m.institution_id, []).append(m.user)
            if m.role == Role.TTO_STAFF:
                self.office.setdefault(m.institution_id, m.user)
        self.buyers: dict[int, list[User]] = {}
        self.enterprises: dict[int, object] = {}
        for m in Membership.objects.filter(
            role=Role.ENTERPRISE_USER, institution__kind="enterprise"
        ).select_related("user", "institution"):
            self.buyers.setdefault(m.institution_id, []).append(m.user)
            self.enterprises[m.institution_id] = m.institution
        self.demands: dict[int, list[Demand]] = {}
        for demand in Demand.objects.order_by("pk"):
            self.demands.setdefault(demand.institution_id, []).append(demand)
        self.taken: set[tuple[int, int]] = set()  # (listing, enterprise) pairs with a case
        self.cases: list[MatchCase] = []
        self.plans: list[_Plan] = []
        self.contracts = 0

    # --- timing ---------------------------------------------------------------------------

    def _hours(self) -> dt.timedelta:
        return dt.timedelta(hours=self.rng.randint(1, 9), minutes=self.rng.randint(0, 59))

    def plan(self, final: str, earliest: dt.datetime) -> _Plan | None:
        """Stages and backdated times of a case ending in ``final``; ``None`` when it would
        start before ``earliest`` (the listing's publication)."""
        if final in OPEN_STAGES:
            path = list(OPEN_STAGES[: OPEN_STAGES.index(final) + 1])
        else:
            last = self.rng.choice(OPEN_STAGES) if final == CaseStage.CLOSED else None
            path = list(OPEN_STAGES[: OPEN_STAGES.index(last) + 1]) if last else list(OPEN_STAGES)
        if len(path) >= 4 and self.rng.random() < 0.15:
            path.remove(CaseStage.NDA)  # straight into negotiation
        stages = [*path, final] if final not in OPEN_STAGES else path
        if final in OPEN_STAGES:
            limit = DEFAULT_WAIT_DAYS[final]
            if self.rng.random() < OVERDUE_SHARE:
                days = self.rng.randint(limit + 1, limit * 2 + 6)
            else:
                days = self.rng.randint(0, limit)
            cursor = self.now - dt.timedelta(days=days) - self._hours()
            ended = None
        else:
            cursor = self.now - dt.timedelta(days=self.rng.randint(2, 150)) - self._hours()
            ended = cursor
        entered = [cursor]
        for stage in reversed(stages[:-1]):
            low, high = PASSED_DAYS[stage]
            cursor = cursor - dt.timedelta(days=self.rng.randint(low, high)) - self._hours()
            entered.insert(0, cursor)
        if entered[0] < earliest:
            return None
        return _Plan(stages=stages, entered=entered, ended_at=ended)

    # --- building -------------------------------------------------------------------------

    def add(self, listing: Listing, enterprise_id: int, manager: User | None) -> bool:
        final = self.rng.choices([f for f, _w in FINAL], weights=[w for _f, w in FINAL])[0]
        key = (listing.pk, enterprise_id)
        plan = None
        for attempt in range(8):
            if attempt == 5:  # a recent listing: a recent case
                final = self.rng.choice([CaseStage.ASSIGNED, CaseStage.CONTACTED])
            plan = self.plan(final, listing.published_at or self.now)
            if plan is not None:
                break
        if plan is None or key in self.taken:
            return False
        self.taken.add(key)
        requester = self.rng.choice(self.buyers[enterprise_id])
        enterprise = self.enterprises[enterprise_id]
        demands = self.demands.get(enterprise_id) or []
        message = self.rng.choice(MESSAGES).format(
            enterprise=enterprise.short_name or enterprise.name, title=listing.title
        )
        case = MatchCase(
            listing=listing,
            demand=self.rng.choice(demands) if demands and self.rng.random() < 0.4 else None,
            institution_id=listing.institution_id,
            enterprise=enterprise,
            requester=requester,
            manager=manager or listing.contact,
            stage=final,
            stage_entered_at=plan.entered[-1],
            message=message,
            closed_at=plan.ended_at,
        )
        if final == CaseStage.CLOSED:
            case.closed_reason = self.rng.choices(
                [r for r, _w in REASON_WEIGHTS], weights=[w for _r, w in REASON_WEIGHTS]
            )[0]
            case.closing_note = CLOSE_NOTES[case.closed_reason]
        elif final == CaseStage.DEAL:
            self.contracts += 1
            short = (listing.institution.short_name or "高校")[:4]
            case.deal_reference = f"{short}技转〔{plan.ended_at.year}〕{self.contracts:03d}号"
        self.cases.append(case)
        self.plans.append(plan)
        return True

    def rows(self) -> tuple[list[CaseStageTime], list[AuditEntry]]:
        content_type = ContentType.objects.get_for_model(MatchCase)
        times, entries = [], []
        for case, plan in zip(self.cases, self.plans, strict=True):
            manager = case.manager
            office = self.office.get(case.institution_id) or manager
            previous = None
            for index, (stage, at) in enumerate(zip(plan.stages, plan.entered, strict=True)):
                left = plan.entered[index + 1] if index + 1 < len(plan.stages) else None
                note = ""
                actor = case.requester if index == 0 else manager
                if stage == CaseStage.CLOSED:
                    note, actor = case.closing_note, self.rng.choice([manager, office])
                elif stage in STAGE_NOTES:
                    note = self.rng.choice(STAGE_NOTES[stage])
                times.append(
                    CaseStageTime(
                        case=case, stage=stage, entered_at=at, left_at=left, actor=actor, note=note
                    )
                )
                entries.append(self._entry(case, content_type, stage, previous, at, actor, note))
                previous = stage
            case.created_at = plan.entered[0]
            case.updated_at = plan.entered[-1]
        return times, entries

    @staticmethod
    def _entry(case, content_type, stage, previous, at, actor, note) -> AuditEntry:
        if previous is None:
            action = "cases.open"
            changes = {
                "listing": [None, str(case.listing)],
                "enterprise": [None, case.enterprise.name],
                "manager": [None, str(case.manager) if case.manager else None],
                "stage": [None, stage],
            }
        elif stage == CaseStage.CLOSED:
            action = "cases.close"
            changes = {"stage": [previous, stage], "closed_reason": [None, case.closed_reason]}
        else:
            action = "cases.advance"
            changes = {"stage": [previous, stage]}
            if stage == CaseStage.DEAL:
                changes["deal_reference"] = [None, case.deal_reference]
        return AuditEntry(
            at=at,
            actor=actor,
            actor_name=actor.username if actor else "system",
            action=action,
            content_type=content_type,
            object_id=str(case.pk),
            object_repr=str(case)[:255],
            institution_id=case.institution_id,
            changes=changes,
            message=note[:255],
        )


def _home(builder: _CaseBuilder) -> tuple[int | None, User | None]:
    """The demo university and its demo technology manager."""
    membership = (
        Membership.objects.filter(user__username="manager", role=Role.TECH_MANAGER)
        .select_related("user")
        .first()
    )
    if membership is None:
        return None, None
    return membership.institution_id, membership.user


def build_cases(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    anchor = max(now, timezone.now())
    builder = _CaseBuilder(rng, size, anchor)
    total, at_home = SIZES.get(size, SIZES["small"])
    listings = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED, contact__isnull=False)
        .select_related("institution", "contact")
        .order_by("pk")
    )
    enterprises = sorted(builder.buyers)
    if not listings or not enterprises:
        return {"cases": 0}
    home_id, home_manager = _home(builder)
    demo_enterprise = (
        Membership.objects.filter(user__username="enterprise", role=Role.ENTERPRISE_USER)
        .values_list("institution_id", flat=True)
        .first()
    )
    home_listings = [listing for listing in listings if listing.institution_id == home_id]
    tries = 0
    while home_listings and len(builder.cases) < at_home and tries < at_home * 6:
        tries += 1
        listing = rng.choice(home_listings)
        enterprise_id = (
            demo_enterprise if tries <= 3 and demo_enterprise else rng.choice(enterprises)
        )
        manager = home_manager if rng.random() < 0.8 else None
        builder.add(listing, enterprise_id, manager)
    if demo_enterprise:  # the demo enterprise's own cases at other institutions
        for listing in rng.sample(listings, min(3, len(listings))):
            builder.add(listing, demo_enterprise, None)
    tries = 0
    while len(builder.cases) < total and tries < total * 6:
        tries += 1
        builder.add(rng.choice(listings), rng.choice(enterprises), None)
    MatchCase.objects.bulk_create(builder.cases, batch_size=500)
    times, entries = builder.rows()
    MatchCase.objects.bulk_update(builder.cases, ["created_at", "updated_at"], batch_size=500)
    CaseStageTime.objects.bulk_create(times, batch_size=500)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return {"cases": len(builder.cases), "case_stage_times": len(times)}
