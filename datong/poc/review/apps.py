from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PocReviewConfig(AppConfig):
    name = "datong.poc.review"
    label = "poc_review"
    verbose_name = _("Programme review")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import selectors

        register(
            NavItem(
                "poc-review",
                _("Project review"),
                "review-home",
                "edit",
                56,
                visible=selectors.sees_reviews,
                prefixes=("review-",),
            )
        )
        register_actions(
            {
                "poc_review.pool_add": _("added an expert to the reviewer pool"),
                "poc_review.pool_update": _("edited an expert of the reviewer pool"),
                "poc_review.pool_remove": _("took an expert out of the reviewer pool"),
                "poc_review.conflict_declare": _("declared a conflict of interest"),
                "poc_review.assign": _("assigned a reviewer"),
                "poc_review.unassign": _("removed a reviewer's assignment"),
                "poc_review.auto_assign": _("assigned reviewers automatically"),
                "poc_review.scores_save": _("saved review scores"),
                "poc_review.scores_submit": _("submitted a review"),
                "poc_review.propose": _("computed the funding proposal"),
                "poc_review.change": _("changed the funding proposal"),
                "poc_review.publish": _("published the provisional list"),
                "poc_review.finalise": _("finalised the awards"),
                "poc_review.promote": _("promoted a reserve application"),
            }
        )
