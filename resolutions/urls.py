"""Resolutions pages; mounted at the site root by itsm.urls."""

from django.urls import path

from resolutions.pages import approvals, calibration, ticket

app_name = "resolutions"

urlpatterns = [
    path("resolutions/tickets/<uuid:ticket_id>/", ticket.create, name="create"),
    path("approvals/", approvals.queue, name="approvals"),
    path("approvals/<uuid:approval_id>/<str:decision>/", approvals.decide, name="decide"),
    path("calibration/", calibration.queue, name="calibration"),
    path("calibration/generate/", calibration.generate, name="calibration-generate"),
    path("calibration/report/", calibration.report, name="report"),
    path("calibration/<uuid:item_id>/review/", calibration.review, name="calibration-review"),
]
