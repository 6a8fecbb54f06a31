"""Appended to seed_browser.py for the composer journey: Alice's canned greeting (with
placeholders) and a response shared with the network team; prints the ticket's id."""

from desk.actions import canned

boss = User.objects.create_user("mona", "mona@example.com", PASSWORD, first_name="Mona")  # noqa: F821
boss.groups.add(Group.objects.get_or_create(name="manager")[0])  # noqa: F821
canned.create_response(
    actor=alice,  # noqa: F821
    title="Greeting",
    body="Hi {{ requester.first_name }}, about {{ ticket.reference }}:",
)
canned.create_response(
    actor=boss,
    title="Team sign-off",
    body="The network team",
    team=network,  # noqa: F821
)
print("DETAIL", old.pk)  # noqa: F821
