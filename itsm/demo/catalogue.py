"""Who is in the demo: the teams, the agents and the companies whose people write tickets.
Plain data; the demo's people module writes it."""

from dataclasses import dataclass

DEMO_PASSWORD = "demo-pass-2026"  # printed by the command; demo data only
MANAGER = ("maria.manager", "Maria Rossi")


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float
    timezone: str


NEW_YORK = City("New York", 40.7128, -74.0060, "America/New_York")
LONDON = City("London", 51.5074, -0.1278, "Europe/London")
BERLIN = City("Berlin", 52.5200, 13.4050, "Europe/Berlin")
SINGAPORE = City("Singapore", 1.3521, 103.8198, "Asia/Singapore")
TORONTO = City("Toronto", 43.6532, -79.3832, "America/Toronto")
MADRID = City("Madrid", 40.4168, -3.7038, "Europe/Madrid")
SYDNEY = City("Sydney", -33.8688, 151.2093, "Australia/Sydney")
CHICAGO = City("Chicago", 41.8781, -87.6298, "America/Chicago")
PARIS = City("Paris", 48.8566, 2.3522, "Europe/Paris")
MUMBAI = City("Mumbai", 19.0760, 72.8777, "Asia/Kolkata")


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    city: City
    capabilities: tuple[str, ...]  # the categories it handles, then keywords
    competencies: tuple[str, ...]
    skills: tuple[str, ...]  # what its agents know
    max_bandwidth: int
    resolution_hours: float  # baseline until measured
    agents: tuple[tuple[str, str], ...]  # (username, name); the first five of each team


TEAMS = (
    TeamSpec(
        "network",
        "Network Team",
        NEW_YORK,
        ("network", "vpn", "wifi", "dns", "firewall", "proxy"),
        ("en", "es"),
        ("cisco", "vpn", "firewall", "dns", "wifi", "bgp", "palo-alto"),
        40,
        6.0,
        (
            ("nina.network", "Nina Alvarez"),
            ("omar.network", "Omar Haddad"),
            ("diego.network", "Diego Ramirez"),
            ("grace.network", "Grace Kim"),
            ("tyler.network", "Tyler Brooks"),
        ),
    ),
    TeamSpec(
        "identity",
        "Identity & Access",
        LONDON,
        ("access", "password", "mfa", "account", "permissions"),
        ("en", "fr"),
        ("active-directory", "entra-id", "okta", "mfa", "permissions", "sso"),
        45,
        3.0,
        (
            ("lea.desk", "Lea Martin"),
            ("oliver.access", "Oliver Hughes"),
            ("amelie.access", "Amelie Dubois"),
            ("harry.access", "Harry Patel"),
            ("zoe.access", "Zoe Clarke"),
        ),
    ),
    TeamSpec(
        "collaboration",
        "E-mail & Collaboration",
        LONDON,
        ("email", "teams", "sharepoint", "calendar", "mailbox"),
        ("en", "fr", "de"),
        ("exchange", "outlook", "teams", "sharepoint", "office365"),
        40,
        5.0,
        (
            ("isla.mail", "Isla Thompson"),
            ("samuel.mail", "Samuel Okafor"),
            ("chloe.mail", "Chloe Bernard"),
            ("ethan.mail", "Ethan Wright"),
            ("fatima.mail", "Fatima Rahman"),
        ),
    ),
    TeamSpec(
        "end-user",
        "Hardware & End-User Support",
        NEW_YORK,
        ("hardware", "laptop", "printer", "monitor", "phone", "peripherals"),
        ("en", "fr"),
        ("windows", "macos", "printers", "dell", "lenovo", "iphone", "imaging"),
        50,
        10.0,
        (
            ("sam.desk", "Sam Taylor"),
            ("maya.desk", "Maya Singh"),
            ("lucas.desk", "Lucas Tremblay"),
            ("emma.desk", "Emma Roy"),
            ("noah.desk", "Noah Campbell"),
        ),
    ),
    TeamSpec(
        "software",
        "Software & Licensing",
        BERLIN,
        ("software", "license", "installation", "adobe", "update"),
        ("de", "en"),
        ("intune", "sccm", "adobe", "licensing", "packaging", "windows"),
        40,
        12.0,
        (
            ("lena.software", "Lena Fischer"),
            ("felix.software", "Felix Wagner"),
            ("hannah.software", "Hannah Becker"),
            ("paul.software", "Paul Hoffmann"),
            ("sofia.software", "Sofia Rossi"),
        ),
    ),
    TeamSpec(
        "applications",
        "Business Applications",
        BERLIN,
        ("application", "sap", "erp", "crm", "salesforce", "payroll"),
        ("de", "en"),
        ("sap", "abap", "salesforce", "erp", "workday", "sql"),
        35,
        16.0,
        (
            ("jonas.apps", "Jonas Weber"),
            ("mia.apps", "Mia Schulz"),
            ("lukas.apps", "Lukas Meyer"),
            ("clara.apps", "Clara Neumann"),
            ("ben.apps", "Ben Schneider"),
        ),
    ),
    TeamSpec(
        "security",
        "Security Operations",
        SINGAPORE,
        ("security", "phishing", "malware", "vulnerability", "incident"),
        ("en", "zh", "apac"),
        ("siem", "phishing", "malware", "forensics", "edr", "iam"),
        30,
        8.0,
        (
            ("wei.security", "Wei Chen"),
            ("priya.security", "Priya Nair"),
            ("arjun.security", "Arjun Mehta"),
            ("mei.security", "Mei Tan"),
            ("daniel.security", "Daniel Lim"),
        ),
    ),
    TeamSpec(
        "databases",
        "Databases & Storage",
        SINGAPORE,
        ("database", "storage", "backup", "outage", "infrastructure"),
        ("en", "apac"),
        ("postgresql", "oracle", "sql-server", "backup", "linux", "kubernetes"),
        30,
        14.0,
        (
            ("liam.senior", "Liam O'Brien"),
            ("ava.senior", "Ava Wilson"),
            ("hiro.dba", "Hiro Tanaka"),
            ("siti.dba", "Siti Rahman"),
            ("jack.dba", "Jack Morrison"),
        ),
    ),
)

# Agents who work away from their team's office (username -> city).
REMOTE_AGENTS = {
    "tyler.network": CHICAGO,
    "zoe.access": MADRID,
    "ethan.mail": NEW_YORK,
    "noah.desk": CHICAGO,
    "sofia.software": MADRID,
    "ben.apps": PARIS,
    "daniel.security": SYDNEY,
    "jack.dba": SYDNEY,
}
# A few experts also serve a second team (username -> slug).
SECOND_TEAMS = {
    "omar.network": "security",
    "ava.senior": "network",
    "lea.desk": "collaboration",
    "mia.apps": "software",
}


@dataclass(frozen=True)
class CompanySpec:
    name: str
    domain: str
    tier: str
    city: City
    people: int


COMPANIES = (
    CompanySpec("Acme Corp", "acme.example", "premium", NEW_YORK, 17),
    CompanySpec("Globex", "globex.example", "vip", CHICAGO, 12),
    CompanySpec("Initech", "initech.example", "standard", TORONTO, 12),
    CompanySpec("Umbrella Health", "umbrella.example", "premium", LONDON, 11),
    CompanySpec("Stark Logistics", "starklogistics.example", "vip", NEW_YORK, 10),
    CompanySpec("Wayne Foods", "waynefoods.example", "standard", CHICAGO, 10),
    CompanySpec("Northwind Traders", "northwind.example", "standard", LONDON, 13),
    CompanySpec("Contoso Retail", "contoso.example", "premium", LONDON, 13),
    CompanySpec("Fabrikam Manufacturing", "fabrikam.example", "standard", BERLIN, 11),
    CompanySpec("Tailspin Air", "tailspin.example", "standard", MADRID, 9),
    CompanySpec("Litware Insurance", "litware.example", "premium", PARIS, 10),
    CompanySpec("Adventure Works", "adventureworks.example", "standard", BERLIN, 10),
    CompanySpec("Woodgrove Bank", "woodgrove.example", "vip", LONDON, 11),
    CompanySpec("Proseware", "proseware.example", "standard", BERLIN, 9),
    CompanySpec("Lucerne Publishing", "lucerne.example", "standard", PARIS, 8),
    CompanySpec("Margie's Travel", "margiestravel.example", "standard", MADRID, 8),
    CompanySpec("Coho Winery", "cohowinery.example", "standard", SYDNEY, 8),
    CompanySpec("Fourth Coffee", "fourthcoffee.example", "standard", TORONTO, 9),
    CompanySpec("Alpine Ski House", "alpineski.example", "standard", BERLIN, 8),
    CompanySpec("Blue Yonder Airlines", "blueyonder.example", "premium", NEW_YORK, 11),
    CompanySpec("City Power & Light", "cpandl.example", "premium", CHICAGO, 10),
    CompanySpec("Graphic Design Institute", "gdi.example", "standard", LONDON, 8),
    CompanySpec("Humongous Insurance", "humongous.example", "premium", SINGAPORE, 10),
    CompanySpec("Trey Research", "treyresearch.example", "standard", SINGAPORE, 9),
    CompanySpec("VanArsdel", "vanarsdel.example", "standard", SYDNEY, 8),
    CompanySpec("Wingtip Toys", "wingtiptoys.example", "standard", MUMBAI, 9),
    CompanySpec("Southridge Video", "southridge.example", "standard", MUMBAI, 9),
    CompanySpec("Relecloud", "relecloud.example", "standard", SINGAPORE, 9),
    CompanySpec("Datum Corporation", "adatum.example", "premium", PARIS, 10),
    CompanySpec("Bellows College", "bellows.example", "standard", TORONTO, 8),
)

# The requesters the README and earlier demos name (e-mail, name); they keep their addresses.
NAMED_REQUESTERS = (
    ("alice@acme.example", "Alice Johnson"),
    ("bob@acme.example", "Bob Smith"),
    ("carol@globex.example", "Carol White"),
    ("dan@initech.example", "Dan Brown"),
    ("erin@initech.example", "Erin Davis"),
    ("frank@umbrella.example", "Frank Miller"),
)
# Individually upgraded requesters: every twenty-fifth person is a VIP in their own right.
VIP_EVERY = 25

FIRST_NAMES = (
    "James",
    "Olivia",
    "Ahmed",
    "Sophie",
    "Kenji",
    "Isabella",
    "Mateo",
    "Aisha",
    "Lars",
    "Ingrid",
    "Rahul",
    "Ananya",
    "Tomasz",
    "Katarzyna",
    "Pierre",
    "Camille",
    "Giulia",
    "Marco",
    "Yuki",
    "Chen",
    "Fatou",
    "Kwame",
    "Elena",
    "Dmitri",
    "Sara",
    "Johan",
    "Lucia",
    "Pedro",
    "Nora",
    "Emil",
    "Aiko",
    "Ravi",
    "Leila",
    "Hugo",
    "Freya",
    "Oscar",
    "Ines",
    "Tariq",
    "Mila",
    "Jonah",
)
LAST_NAMES = (
    "Anderson",
    "Nguyen",
    "Garcia",
    "Kowalski",
    "Schmidt",
    "Rossi",
    "Tanaka",
    "Okoye",
    "Johansson",
    "Dubois",
    "Sharma",
    "Costa",
    "Murphy",
    "Novak",
    "Silva",
    "Jensen",
    "Moreau",
    "Ibrahim",
    "Park",
    "Fernandez",
    "Lindqvist",
    "Walsh",
    "Kaur",
    "Petrov",
    "Mensah",
    "Yamamoto",
    "Haddad",
    "Oliveira",
    "Bauer",
    "Fraser",
)
