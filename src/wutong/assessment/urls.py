from django.urls import path

from wutong.assessment import scoring_views as sv
from wutong.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/import/", views.task_import, name="task_import"),
    path("plans/<int:pk>/tasks/new/", views.task_edit, name="task_new"),
    path("plans/<int:pk>/tasks/<int:task_pk>/edit/", views.task_edit, name="task_edit"),
    path("plans/<int:pk>/projects/", views.project_list, name="project_list"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/rounds/new/", views.round_new, name="round_new"),
    path("import/template/", views.task_import_template, name="task_import_template"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/tasks/<int:task_pk>/report/", views.report_edit, name="report_edit"),
    path("rounds/<int:pk>/chase/<int:unit_pk>/", views.chase, name="chase"),
    path("rounds/<int:pk>/sheet.xlsx", views.round_sheet_xlsx, name="round_sheet_xlsx"),
    path("rounds/<int:pk>/sheet.pdf", views.round_sheet_pdf, name="round_sheet_pdf"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report_comment"),
    path("proofs/<int:pk>/", views.proof_download, name="proof_download"),
    path("systems/", sv.system_list, name="system_list"),
    path("systems/new/", sv.system_new, name="system_new"),
    path("systems/<int:pk>/", sv.system_detail, name="system_detail"),
    path("systems/<int:pk>/indicators/new/", sv.indicator_new, name="indicator_new"),
    path("systems/<int:pk>/copy/", sv.system_copy, name="system_copy"),
    path("systems/<int:pk>/score/", sv.system_run, name="system_run"),
    path("systems/<int:pk>/ranking.xlsx", sv.ranking_xlsx, name="ranking_xlsx"),
    path("indicators/<int:pk>/entries/", sv.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/proof/", sv.entry_proof, name="entry_proof"),
    path("scores/<int:pk>/", sv.score_detail, name="score_detail"),
    path("scores/<int:pk>/records/<int:indicator_pk>/", sv.measure_records,
         name="measure_records"),
    path("leader-reports/", sv.leader_report_list, name="leader_report_list"),
]
