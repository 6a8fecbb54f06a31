"""A requester's location, as a source reports it, is written only when it changes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.actions import contacts


def test_a_known_location_is_not_written_again(db):
    contact = contacts.get_or_create_contact(email="loc@customer.example")
    where = {"latitude": 40.7, "longitude": -74.0, "timezone": "America/New_York"}
    contacts.set_contact_location(contact=contact, **where)
    with CaptureQueriesContext(connection) as queries:
        contacts.set_contact_location(contact=contact, **where)
    assert len(queries) == 0
    contacts.set_contact_location(contact=contact, latitude=41.0, longitude=-74.0, timezone="")
    contact.refresh_from_db()
    assert (contact.latitude, contact.longitude, contact.timezone) == (
        41.0,
        -74.0,
        where["timezone"],
    )
