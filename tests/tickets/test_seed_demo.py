from io import StringIO

from django.core.management import call_command


def test_demo_admin_is_created_once_and_prints_credentials(db):
    out = StringIO()
    call_command("demo_admin", stdout=out)
    call_command("demo_admin", stdout=out)
    text = out.getvalue()
    assert text.count("Created the demo admin") == 1
    assert "password: admin-demo-2026" in text
