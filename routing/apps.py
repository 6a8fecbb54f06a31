from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from core.metrics import register_depth
        from routing import (  # noqa: F401  subscribers register
            config_cache,
            selectors,
            subscribers,
            triage_subscribers,
        )

        config_cache.memo.watch(config_cache.WATCHED)
        _tell_org_what_uses_teams()
        register_depth("unrouted_tickets", selectors.unrouted_count)


def _tell_org_what_uses_teams() -> None:
    from org.selectors import read_slugs, use_teams
    from routing.team_uses import rules_naming_slug, uses_of_teams

    use_teams(uses_of_teams)
    read_slugs(rules_naming_slug)
