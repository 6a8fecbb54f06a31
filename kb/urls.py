"""Knowledge-base pages; mounted by the lead at /kb/."""

from django.urls import path

from kb import solved_views, views

app_name = "kb"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("suggest/", views.suggest_fragment, name="suggest"),
    path("<int:pk>/", views.article_detail, name="article"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/vote/", views.article_vote, name="vote"),
    path("<int:pk>/solved/", solved_views.solved, name="solved"),
    path("from-ticket/<uuid:ticket_id>/", views.article_from_ticket, name="from-ticket"),
    path(
        "tickets/<uuid:ticket_id>/suggestions/",
        views.ticket_suggestions_fragment,
        name="ticket-suggestions",
    ),
    path("tickets/<uuid:ticket_id>/used/", views.mark_used, name="mark-used"),
]
