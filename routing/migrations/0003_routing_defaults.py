"""Default scoring weights (API.md) and a starter keyword map for the simple triage; both are
edited in the admin afterwards."""

from django.db import migrations

KEYWORDS = {
    "network": [
        "network",
        "vpn",
        "wifi",
        "wi-fi",
        "dns",
        "firewall",
        "router",
        "switch",
        "proxy",
        "latency",
        "ethernet",
        "dhcp",
    ],
    "access": ["password", "login", "locked", "unlock", "permission", "mfa", "2fa", "account"],
    "email": ["email", "e-mail", "outlook", "mailbox", "smtp", "exchange"],
    "hardware": ["laptop", "printer", "monitor", "keyboard", "mouse", "screen", "docking"],
    "software": ["install", "license", "licence", "upgrade", "software", "excel", "word"],
    "application": ["sap", "erp", "crm", "salesforce", "invoice"],
    "security": ["phishing", "malware", "virus", "ransomware", "breach", "suspicious"],
    "database": ["database", "postgres", "postgresql", "mysql", "oracle", "sql"],
    "outage": ["outage", "unreachable"],
}


def forwards(apps, schema_editor):
    ScoringWeights = apps.get_model("routing", "ScoringWeights")
    TriageKeyword = apps.get_model("routing", "TriageKeyword")
    ScoringWeights.objects.get_or_create(category="")
    for category, words in KEYWORDS.items():
        for word in words:
            TriageKeyword.objects.get_or_create(keyword=word, defaults={"category": category})


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("routing", "0002_routing_engine")]

    operations = [migrations.RunPython(forwards, backwards)]
