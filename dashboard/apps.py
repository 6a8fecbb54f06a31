from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from dashboard.signals import announce_routing
        from routing.signals import ticket_routed

        ticket_routed.connect(announce_routing, dispatch_uid="dashboard.announce_routing")
