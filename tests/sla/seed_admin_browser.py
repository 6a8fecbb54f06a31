"""Run inside the live server's database (``manage.py shell``) before the SLA admin journey: a
calendar open every day 09:00-17:00 UTC and a policy on it (1 h response, 8 h resolution)."""

from datetime import time

from org.models import Team
from sla.models import BusinessCalendar, SLAPolicy, WorkingHours

calendar = BusinessCalendar.objects.create(
    slug="every-day", name="Every day 9-5", timezone="UTC", always_open=False
)
WorkingHours.objects.bulk_create(
    WorkingHours(calendar=calendar, weekday=day, starts=time(9), ends=time(17)) for day in range(7)
)
policy = SLAPolicy.objects.create(
    name="Browser policy",
    calendar=calendar,
    category="browser-only",
    first_response_minutes=60,
    resolution_minutes=480,
)
team = Team.objects.create(slug="network", name="Network", capabilities=["network", "vpn"])
print(f"calendar={calendar.pk} policy={policy.pk} team={team.pk}")
