"""Run inside the live server's database (``manage.py shell``) before the rule form journey: two
teams that both handle network tickets (Applications wins on quality, Network on speed), a
requester, and tickets routed by the real engine, so the weights have decisions to replay."""

from django.contrib.auth import get_user_model

from org.models import Team
from routing.models import AllocationDecision
from tickets.actions import creation
from tickets.models import Contact

admin = get_user_model().objects.get(username="dash-admin")
Team.objects.create(
    slug="network", name="Network", capabilities=["network"], avg_resolution_time_hours=2,
    sla_compliance_rate=0.0, quality_score=0.0, latitude=51.5, longitude=-0.12,
    timezone="Europe/London",
)  # fmt: skip
Team.objects.create(
    slug="apps", name="Applications", capabilities=["network"], avg_resolution_time_hours=40,
    sla_compliance_rate=1.0, quality_score=1.0, latitude=51.5, longitude=-0.12,
    timezone="Europe/London",
)  # fmt: skip


def ticket(index: int, title: str, priority: str = "medium"):
    # One requester each: a second ticket of the same requester would go by affinity.
    email = f"requester{index}@example.com"
    Contact.objects.create(email=email, name=f"Requester {index}")
    return creation.create_ticket(
        actor=admin,
        data=creation.NewTicket(
            title=title, requester_email=email, category="network", priority=priority
        ),
    )


sap = ticket(0, "SAP login fails behind the VPN", priority="high")
for index in range(1, 6):
    ticket(index, f"Wi-Fi drops on floor {index}")
decided = AllocationDecision.objects.filter(method="scoring").count()
print(f"REFERENCE={sap.reference} DECIDED={decided}")
