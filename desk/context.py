"""What every page's frame needs: the viewer's role, the links that role may follow, the
unread notifications and the time zone the page's times are shown in. One context processor,
lazy: a page that never renders the frame (a JSON answer) costs nothing, and a page that does
costs one query for staff (time zone and unread count together) and none for a requester
(the contact comes with the signed-in user, core.accounts)."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.urls import reverse

from core.roles import Role, role_of
from notifications.selectors import unread_count

STAFF = (Role.AGENT, Role.MANAGER, Role.ADMIN)
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


# (label, URL name, roles that see it); the order is the menu's.
LINKS = (
    ("Queue", "desk:queue", STAFF),
    ("Tickets", "desk:list", STAFF),
    ("My tickets", "desk:list", (Role.REQUESTER,)),
    ("Board", "desk:board", STAFF),
    ("New ticket", "desk:create", (*STAFF, Role.REQUESTER)),
    ("Knowledge base", "kb:list", (*STAFF, Role.REQUESTER)),
    ("Approvals", "resolutions:approvals", STAFF),
    ("Calibration", "resolutions:calibration", (Role.MANAGER, Role.ADMIN)),
    ("Dashboard", "dashboard:dashboard", (Role.MANAGER, Role.ADMIN)),
    ("Analytics", "analytics-team-performance", (Role.MANAGER, Role.ADMIN)),
    ("Admin", "admin:index", (Role.ADMIN,)),
)


class Viewer:
    def __init__(self, request):
        self.request = request
        self.user = getattr(request, "user", None)

    @cached_property
    def role(self) -> Role | None:
        return role_of(self.user)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @cached_property
    def links(self) -> list[Link]:
        shown = [(label, reverse(name)) for label, name, roles in LINKS if self.role in roles]
        # The current page's link: the longest URL the path starts with ("/" only itself).
        path = self.request.path
        matches = [url for _, url in shown if path == url or (url != "/" and path.startswith(url))]
        current = max(matches, key=len, default=None)
        return [Link(label, url, url == current) for label, url in shown]

    @cached_property
    def _staff_facts(self) -> tuple[str | None, int]:
        """The agent profile's time zone and the unread count, in one query."""
        row = (
            get_user_model()
            .objects.filter(pk=self.user.pk)
            .annotate(unread=unread_count(self.user.pk))
            .values_list("agent_profile__timezone", "unread")
            .first()
        )
        return row if row is not None else (None, 0)

    @property
    def unread(self) -> int:
        return self._staff_facts[1] if self.is_staff else 0

    @cached_property
    def timezone(self) -> str:
        if self.is_staff:
            return self._staff_facts[0] or DEFAULT_TIMEZONE
        if self.role == Role.REQUESTER:
            return self.user.contact.timezone or DEFAULT_TIMEZONE
        return DEFAULT_TIMEZONE


def viewer(request) -> dict:
    return {"viewer": Viewer(request)}
