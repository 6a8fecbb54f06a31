"""The agent pages and the requester portal; mounted at the site root."""

from django.urls import path

from desk.pages import board, bulk, case, detail, lists

app_name = "desk"

urlpatterns = [
    path("", lists.work_queue, name="queue"),
    path("board/", board.board, name="board"),
    path("board/move/", board.move, name="board-move"),
    path("board/views/", board.save_view, name="board-save-view"),
    path("tickets/", lists.ticket_list, name="list"),
    path("tickets/new/", lists.ticket_create, name="create"),
    path("tickets/views/", lists.save_list_view, name="list-save-view"),
    path("tickets/views/<int:view_id>/delete/", lists.delete_list_view, name="list-delete-view"),
    path("tickets/bulk/", bulk.bulk, name="bulk"),
    path("tickets/<uuid:ticket_id>/", detail.ticket_detail, name="detail"),
    path("tickets/<uuid:ticket_id>/entries/", detail.post_entry, name="post-entry"),
    path("tickets/<uuid:ticket_id>/envelopes/", detail.open_envelope, name="open-envelope"),
    path("tickets/<uuid:ticket_id>/case/", case.case_panel, name="case-panel"),
    path("tickets/<uuid:ticket_id>/flags/", case.add_flag, name="add-flag"),
    path("tickets/<uuid:ticket_id>/flags/<str:kind>/remove/", case.remove_flag, name="remove-flag"),
    path(
        "tickets/<uuid:ticket_id>/<slug:action>/",
        detail.ticket_action,
        name="action",
    ),
    path(
        "envelopes/<uuid:envelope_id>/<slug:action>/",
        detail.envelope_action,
        name="envelope-action",
    ),
]
