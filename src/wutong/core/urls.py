from django.urls import path

from wutong.core.views import audit, codes, home, jobs, lists, notify, regions

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("regions/", regions.region_list, name="region_list"),
    path("regions/picker/", regions.region_picker, name="region_picker"),
    path("regions/zones/", regions.zone_create, name="zone_create"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
    path("codes/", codes.code_tables, name="code_tables"),
    path("codes/<slug:key>/", codes.code_table, name="code_table"),
    path("codes/<slug:key>/new/", codes.code_item_edit, name="code_item_create"),
    path("codes/<slug:key>/<int:pk>/edit/", codes.code_item_edit, name="code_item_edit"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/download/", jobs.job_download, name="job_download"),
    path("exports/", jobs.export_start, name="export_start"),
    path("lists/<slug:list_key>/filters/", lists.saved_filter_create, name="saved_filter_create"),
    path("lists/filters/<int:pk>/", lists.saved_filter_update, name="saved_filter_update"),
    path("lists/filters/<int:pk>/delete/", lists.saved_filter_delete,
         name="saved_filter_delete"),
    path("lists/<slug:list_key>/columns/", lists.list_columns, name="list_columns"),
    path("messages/", notify.inbox, name="inbox"),
    path("messages/badge/", notify.badge, name="inbox_badge"),
    path("messages/read-all/", notify.message_read_all, name="message_read_all"),
    path("messages/<int:pk>/open/", notify.message_open, name="message_open"),
    path("messages/<int:pk>/read/", notify.message_read, name="message_read"),
]
