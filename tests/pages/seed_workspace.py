"""Appended to seed_browser.py for the workspace journeys: a manager; prints the ids of the new
VPN ticket (the sidebar's priority change) and of Alice's printer ticket (the transfer)."""

from tickets.models import Ticket

maria = User.objects.create_user("maria", "maria@example.com", PASSWORD, first_name="Maria")  # noqa: F821
maria.groups.add(Group.objects.get_or_create(name="manager")[0])  # noqa: F821
print("VPN", Ticket.objects.get(title="VPN drops every ten minutes").pk)
print("PRINTER", old.pk)  # noqa: F821
