"""Appended to seed_browser.py for the narrow-screen checks: a manager, a published article, a
resolved ticket and a ticket whose title is one long unbroken word; prints the tickets' ids."""

from kb.actions.articles import save_article
from tickets.actions import lifecycle

maria = User.objects.create_user("maria", "maria@example.com", PASSWORD, first_name="Maria")  # noqa: F821
maria.groups.add(Group.objects.get_or_create(name="manager")[0])  # noqa: F821
save_article(
    actor=maria,
    title="VPN drops: set the MTU",
    body="Set the **MTU**.\n\n    a-very-long-command --with-many-flags --and-then-some-more-flags",
    status="published",
)
done = ticket("Resolved: mailbox full")  # noqa: F821
ownership.accept_ticket(ticket_id=done.pk, actor=alice)  # noqa: F821
lifecycle.resolve_ticket(ticket_id=done.pk, actor=alice, resolution="Archived old mail")  # noqa: F821
ticket("Unbreakable-" + "x" * 120)  # noqa: F821
print("DETAIL", old.pk)  # noqa: F821
print("RESOLVED", done.pk)
