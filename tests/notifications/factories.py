import datetime

import factory

from notifications.models import (
    EventType,
    Notification,
    NotificationPreference,
    QuietHours,
    TeamChannel,
)
from tests.factories import TeamFactory, UserFactory


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    event_type = EventType.ASSIGNED
    email = True
    in_app = True


class QuietHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuietHours

    user = factory.SubFactory(UserFactory)
    start = datetime.time(22, 0)
    end = datetime.time(7, 0)


class TeamChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamChannel

    team = factory.SubFactory(TeamFactory)
    kind = "slack"
    webhook_url = "https://hooks.example.com/services/T000/B000/XXXX"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    event_type = EventType.ASSIGNED
    title = factory.Faker("sentence", nb_words=5)
