"""The agent pages and the requester portal; mounted at the site root."""

from django.urls import path

from desk.pages import (
    autocomplete,
    board,
    bulk,
    canned,
    case,
    composer,
    detail,
    lists,
    properties,
)
from desk.portal import create, follow, replies

app_name = "desk"

urlpatterns = [
    path("", lists.work_queue, name="queue"),
    path("board/", board.board, name="board"),
    path("board/move/", board.move, name="board-move"),
    path("board/views/", board.save_view, name="board-save-view"),
    path("tickets/", lists.ticket_list, name="list"),
    path("tickets/new/", create.ticket_create, name="create"),
    path("tickets/views/", lists.save_list_view, name="list-save-view"),
    path("tickets/views/<int:view_id>/delete/", lists.delete_list_view, name="list-delete-view"),
    path("tickets/bulk/", bulk.bulk, name="bulk"),
    path("tickets/<uuid:ticket_id>/", detail.ticket_detail, name="detail"),
    path("tickets/<uuid:ticket_id>/entries/", composer.compose, name="post-entry"),
    path("tickets/preview/", composer.preview, name="preview"),
    path("tickets/mentions/", composer.mention_candidates, name="mentions"),
    path(
        "tickets/<uuid:ticket_id>/canned/<int:response_id>/",
        composer.canned_for_ticket,
        name="canned-fill",
    ),
    path("canned/", canned.canned_list, name="canned"),
    path("canned/new/", canned.canned_create, name="canned-create"),
    path("canned/<int:response_id>/edit/", canned.canned_edit, name="canned-edit"),
    path("canned/<int:response_id>/delete/", canned.canned_delete, name="canned-delete"),
    path("tickets/<uuid:ticket_id>/reply/", replies.reply, name="portal-reply"),
    path("tickets/<uuid:ticket_id>/follow/", follow.follow, name="follow"),
    path("tickets/<uuid:ticket_id>/envelopes/", detail.open_envelope, name="open-envelope"),
    path("tickets/<uuid:ticket_id>/properties/", properties.edit, name="properties"),
    path("tickets/<uuid:ticket_id>/transfer/", properties.transfer, name="transfer"),
    path("autocomplete/<slug:kind>/", autocomplete.suggest, name="autocomplete"),
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
