from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "wutong.assessment"
    label = "assessment"
    verbose_name = _("任务与考核")

    def ready(self) -> None:
        from wutong.accounts.roles import Role, grant
        from wutong.core.navigation import NavItem, register_nav

        models = ("workplan", "task", "dispatchround", "progressreport", "reportproof", "chase",
                  "projectcheck", "indicatorsystem", "indicator", "indicatorentry", "unitscore",
                  "scoreadjustment", "leaderreport")
        for role in (Role.OFFICE, Role.LEADER):
            grant(role, *(f"assessment.view_{m}" for m in models),
                  "assessment.export_progressreport", "assessment.export_task")
        grant(Role.OFFICE, *(f"assessment.{action}_{m}" for m in models
                             for action in ("add", "change")))
        # Member units: their own unit's tasks, reports and scores (the data scope).
        grant(Role.MEMBER_UNIT, "assessment.view_task", "assessment.view_progressreport",
              "assessment.add_progressreport", "assessment.change_progressreport",
              "assessment.view_reportproof", "assessment.view_chase",
              "assessment.view_projectcheck", "assessment.view_unitscore")
        register_nav(NavItem("assessment", _("任务调度"), "assessment:plan_list", order=80,
                             permission="assessment.view_task"))
        register_nav(NavItem("assessment_scoring", _("目标考核"), "assessment:system_list",
                             order=81, permission="assessment.view_indicatorsystem"))
        from wutong.assessment import builtin_measures, service_measures
        from wutong.assessment.selectors import unit_scores_figures
        from wutong.core.figures import register_figures

        builtin_measures.register()
        service_measures.register()
        # Unit scores on the stats figures page and dashboard (stats may not import us).
        register_figures("unit_scores", unit_scores_figures)

        from wutong.assessment import demo
        from wutong.core.demo import register_step

        register_step("assessment: task lists, dispatch, indicators and scores", demo.seed,
                      order=90)
