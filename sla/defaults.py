"""The calendars and policies every installation starts with. Used by the data migration
(with historical models) and by sla.actions when the default policy has gone missing (a test
database flushed between tests, say): a default policy always exists."""

from datetime import time

TWENTY_FOUR_SEVEN = {"slug": "24x7", "name": "24x7", "timezone": "UTC", "always_open": True}
BUSINESS = {
    "slug": "business-hours",
    "name": "Business hours (Mon-Fri 09:00-17:00, London)",
    "timezone": "Europe/London",
    "always_open": False,
    "holiday_country": "GB",
    "holiday_subdivision": "ENG",
}
BUSINESS_HOURS = [(weekday, time(9), time(17)) for weekday in range(5)]

DEFAULT_POLICY = {
    "name": "Default",
    "description": "Applies when no other policy matches.",
    "is_default": True,
    "first_response_minutes": 4 * 60,
    "resolution_minutes": 24 * 60,
}

# (name, priority, tier, calendar slug, first response minutes, resolution minutes)
POLICIES = [
    ("Critical", "critical", "", "24x7", 15, 4 * 60),
    ("High", "high", "", "24x7", 60, 8 * 60),
    ("Medium", "medium", "", "business-hours", 4 * 60, 24 * 60),
    ("Low", "low", "", "business-hours", 8 * 60, 72 * 60),
    ("VIP critical", "critical", "vip", "24x7", 10, 2 * 60),
    ("VIP high", "high", "vip", "24x7", 30, 4 * 60),
    ("VIP medium", "medium", "vip", "24x7", 2 * 60, 12 * 60),
    ("VIP low", "low", "vip", "business-hours", 4 * 60, 36 * 60),
]


def ensure_calendars(BusinessCalendar, WorkingHours):
    always, _ = BusinessCalendar.objects.get_or_create(
        slug=TWENTY_FOUR_SEVEN["slug"], defaults=TWENTY_FOUR_SEVEN
    )
    business, created = BusinessCalendar.objects.get_or_create(
        slug=BUSINESS["slug"], defaults=BUSINESS
    )
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=business, weekday=day, starts=starts, ends=ends)
            for day, starts, ends in BUSINESS_HOURS
        )
    return always, business


def ensure_default_policy(SLAPolicy, BusinessCalendar, WorkingHours):
    existing = SLAPolicy.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    always, _ = ensure_calendars(BusinessCalendar, WorkingHours)
    policy, _ = SLAPolicy.objects.get_or_create(
        is_default=True, defaults={**DEFAULT_POLICY, "calendar": always}
    )
    return policy


def seed(SLAPolicy, BusinessCalendar, WorkingHours):
    always, business = ensure_calendars(BusinessCalendar, WorkingHours)
    calendars = {always.slug: always, business.slug: business}
    ensure_default_policy(SLAPolicy, BusinessCalendar, WorkingHours)
    for name, priority, tier, calendar, first_response, resolution in POLICIES:
        SLAPolicy.objects.get_or_create(
            name=name,
            defaults={
                "priority": priority,
                "tier": tier,
                "calendar": calendars[calendar],
                "first_response_minutes": first_response,
                "resolution_minutes": resolution,
            },
        )
