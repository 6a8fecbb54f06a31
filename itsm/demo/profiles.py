"""The demo teams' triage profiles (what routing's semantic triage compares new tickets with)
and a profile for each of their main categories, written through the owning apps' actions."""

from routing.actions.triage_profiles import save_category_profile
from routing.models import CategoryProfile

# slug -> (description, example tickets)
TEAM_PROFILES = {
    "network": (
        "Connectivity: office LAN and wifi, VPN and remote access, DNS, firewalls, proxies, "
        "internet access and the links between sites.",
        [
            "VPN drops every few minutes when working from home",
            "No wifi in the meeting rooms on the 2nd floor",
            "Partner website blocked by the proxy",
            "Site link to the warehouse is down",
        ],
    ),
    "identity": (
        "Accounts and access: passwords, locked accounts, multi-factor authentication, single "
        "sign-on, group memberships and permissions, new starters and leavers.",
        [
            "Account locked after too many attempts",
            "Lost my phone with the authenticator app",
            "Please add me to the Finance shared folder group",
            "New starter on Monday needs an account",
        ],
    ),
    "collaboration": (
        "E-mail and collaboration: Outlook and Exchange, shared mailboxes, distribution lists, "
        "calendars and meeting invites, Microsoft Teams, SharePoint sites.",
        [
            "Not receiving any e-mail since yesterday",
            "Shared mailbox missing from Outlook",
            "Meeting invites arrive an hour off",
            "Create a SharePoint site for our project",
        ],
    ),
    "end-user": (
        "Hardware and end-user devices: laptops, desktops, monitors, docking stations, "
        "keyboards, mice, headsets, printers, mobile phones; repairs and replacements.",
        [
            "Laptop does not power on",
            "Second monitor not detected on the dock",
            "Printer on the 3rd floor jams all the time",
            "Cracked screen on my company phone",
        ],
    ),
    "software": (
        "Desktop software: installing, updating and licensing Office, Adobe, browsers and "
        "specialist tools; the software centre and packages.",
        [
            "Please install Visio on my laptop",
            "Excel crashes when opening macros",
            "Adobe Acrobat licence expired",
            "Windows update stuck at 35%",
        ],
    ),
    "applications": (
        "Business applications: SAP and the ERP, Salesforce and the CRM, payroll and HR "
        "systems, invoicing and expenses; their workflows, reports and interfaces.",
        [
            "SAP error when posting a vendor invoice",
            "Salesforce report shows wrong totals",
            "Purchase order approval stuck in the ERP workflow",
            "Payslip missing in the HR portal",
        ],
    ),
    "security": (
        "Security operations: phishing and suspicious e-mails, malware and virus alerts, "
        "suspicious logins, lost or stolen devices, data leaks and vulnerabilities.",
        [
            "Clicked a link in a phishing e-mail and typed my password",
            "Antivirus alert: trojan found",
            "Login to my account from another country",
            "Laptop with customer data stolen",
        ],
    ),
    "databases": (
        "Databases, storage and backups: PostgreSQL, Oracle, SQL Server; slow queries, locks, "
        "replication, backups and restores, file shares and disk space, server outages.",
        [
            "Orders database very slow since this morning",
            "Replica lagging behind the primary",
            "Nightly backup job failed",
            "Restore a deleted folder on the file share",
        ],
    ),
}

CATEGORY_PROFILES = {
    "network": "Network connectivity: wifi, LAN, VPN, DNS, firewall, proxy, internet.",
    "access": "Accounts, passwords, MFA, sign-in problems, permissions and groups.",
    "email": "E-mail, mailboxes, calendars, Teams and SharePoint.",
    "hardware": "Laptops, monitors, docks, peripherals, printers and phones.",
    "software": "Installing, updating and licensing desktop software.",
    "application": "SAP, ERP, CRM, payroll and other business applications.",
    "security": "Phishing, malware, suspicious activity, lost devices, data leaks.",
    "database": "Databases, storage, backups and restores.",
}


def team_profile(slug: str) -> dict:
    description, examples = TEAM_PROFILES.get(slug, ("", []))
    return {"description": description, "example_tickets": list(examples)}


def write_category_profiles() -> int:
    """Each category profile that does not exist yet; returns how many were written."""
    existing = set(CategoryProfile.objects.values_list("category", flat=True))
    written = 0
    for category, description in CATEGORY_PROFILES.items():
        if category in existing:
            continue
        save_category_profile(
            actor=None, profile=None, data={"category": category, "description": description}
        )
        written += 1
    return written
