"""python manage.py demo_admin: make sure the demo superuser exists and print how to sign in.

For the embedded demo only (`make run`); production creates its admin with Django's own
`createsuperuser`."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "admin-demo-2026"  # printed below; demo data only


class Command(BaseCommand):
    help = "Create the demo admin if missing and print its credentials."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)

    def handle(self, *args, username: str, password: str, **options) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@servicedesk.example", "is_staff": True},
        )
        if created:
            user.is_superuser = True
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS(f"Created the demo admin '{username}'."))
        self.stdout.write(
            f"Admin: {served_at()}/admin/  user: {username}  "
            f"password: {password if created or user.check_password(password) else '(changed)'}"
        )


def served_at() -> str:
    """Where `make run` serves: its HOST and PORT (passed down in the environment)."""
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
