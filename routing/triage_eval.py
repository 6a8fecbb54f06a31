"""A reproducible, realistic set of tickets for evaluating the triage (``manage.py
eval_triage``). Pure: a seed in, tickets out.

Each category has its own symptoms, objects and jargon, but the wording is noisy on purpose:
shared filler ("not working since this morning"), objects that belong to other categories
("can't print the VPN report", "phishing mail in Outlook"), typos, terse titles, and a few
mislabelled tickets, as in a real queue."""

import random
from dataclasses import dataclass

CATEGORIES = (
    "network", "vpn", "hardware", "software", "application", "database", "access", "email",
    "security", "printer", "storage", "cloud", "other",
)  # fmt: skip

VOCABULARY: dict[str, dict[str, list[str]]] = {
    "network": {
        "objects": ["network", "wifi", "ethernet port", "switch", "router", "dns", "proxy",
                    "internet", "wireless access point", "dhcp lease"],
        "symptoms": ["is very slow", "keeps dropping", "has high latency", "is unreachable",
                     "gives no ip address", "times out", "has packet loss"],
    },
    "vpn": {
        "objects": ["vpn", "vpn client", "globalprotect", "anyconnect", "remote access tunnel",
                    "vpn token"],
        "symptoms": ["disconnects every few minutes", "will not connect from home",
                     "fails authentication", "is stuck on connecting", "drops when on wifi"],
    },
    "hardware": {
        "objects": ["laptop", "monitor", "docking station", "keyboard", "mouse", "battery",
                    "screen", "headset", "webcam", "charger"],
        "symptoms": ["is broken", "does not turn on", "flickers", "is overheating",
                     "makes a clicking noise", "has a cracked screen", "stopped working"],
    },
    "software": {
        "objects": ["excel", "word", "teams client", "adobe reader", "chrome", "zoom",
                    "office license", "python install", "visio"],
        "symptoms": ["crashes on start", "needs to be installed", "license expired",
                     "will not update", "freezes", "shows an activation error"],
    },
    "application": {
        "objects": ["sap", "erp", "salesforce", "crm", "invoice module", "payroll app",
                    "hr portal", "expense tool"],
        "symptoms": ["shows an error when saving", "transaction fails", "report is wrong",
                     "screen is blank", "workflow is stuck", "cannot post invoices"],
    },
    "database": {
        "objects": ["database", "postgres", "sql server", "oracle db", "mysql", "query",
                    "replica", "db backup"],
        "symptoms": ["is slow", "has deadlocks", "connection pool exhausted",
                     "replication lag is high", "backup failed", "ran out of disk"],
    },
    "access": {
        "objects": ["password", "account", "login", "mfa", "permission", "ad group",
                    "shared mailbox permission", "user account"],
        "symptoms": ["is locked", "expired", "reset needed", "access denied",
                     "cannot sign in", "needs to be granted", "2fa code not accepted"],
    },
    "email": {
        "objects": ["outlook", "email", "mailbox", "calendar invite", "distribution list",
                    "exchange", "mail rule"],
        "symptoms": ["not receiving mail", "mailbox full", "emails stuck in outbox",
                     "cannot send attachments", "calendar not syncing", "bounces back"],
    },
    "security": {
        "objects": ["phishing email", "malware", "virus alert", "suspicious link",
                    "ransomware note", "antivirus", "unknown login attempt"],
        "symptoms": ["was clicked", "detected on laptop", "reported by user",
                     "needs investigation", "popped up", "looks like a breach"],
    },
    "printer": {
        "objects": ["printer", "print queue", "toner", "scanner", "label printer",
                    "plotter", "print job"],
        "symptoms": ["paper jam", "prints blank pages", "is offline", "toner low",
                     "jobs stuck in queue", "prints garbage characters"],
    },
    "storage": {
        "objects": ["shared drive", "file share", "network drive", "nas", "home folder",
                    "disk quota", "sharepoint folder"],
        "symptoms": ["is full", "cannot be mapped", "files missing", "restore needed",
                     "is read only", "quota exceeded"],
    },
    "cloud": {
        "objects": ["aws account", "azure subscription", "s3 bucket", "kubernetes cluster",
                    "cloud vm", "gcp project", "terraform pipeline"],
        "symptoms": ["deployment failed", "costs spiked", "instance unreachable",
                     "pods crash looping", "iam role missing", "quota limit hit"],
    },
    "other": {
        "objects": ["desk phone", "office move", "meeting room", "badge", "general question",
                    "new starter", "training request"],
        "symptoms": ["needs help", "please advise", "question about process",
                     "request for information", "needs arranging"],
    },
}  # fmt: skip

# Words any ticket may carry, whatever its category.
FILLER = [
    "not working", "since this morning", "urgent please", "help", "again", "for my team",
    "after the update", "from home", "since yesterday", "cannot work", "please check",
    "user reports", "asap", "intermittent", "on my laptop", "in the office",
]  # fmt: skip

# Objects that could be anything.
GENERIC = ["system", "computer", "portal", "app", "thing", "tool", "device", "service"]

# A word of another category slipped in: the overlap that fools keyword maps.
CONFUSERS = {
    "vpn": ["network", "wifi"],
    "network": ["vpn", "printer"],
    "printer": ["network", "laptop"],
    "email": ["password", "phishing"],
    "security": ["email", "outlook", "laptop"],
    "access": ["vpn", "email", "sap"],
    "storage": ["access", "permission", "cloud"],
    "cloud": ["database", "network", "storage"],
    "database": ["application", "sap", "storage"],
    "application": ["database", "login", "excel"],
    "software": ["laptop", "install", "license"],
    "hardware": ["printer", "software", "network"],
    "other": ["laptop", "email", "access"],
}

PRIORITY_HINTS = {
    "critical": ["whole office down", "all users affected", "production outage", "ceo"],
    "high": ["cannot work", "deadline today", "customer facing", "several users"],
    "medium": ["annoying", "workaround exists", "one user"],
    "low": ["when you have time", "no rush", "nice to have", "question"],
}
PRIORITY_WEIGHTS = {"critical": 0.1, "high": 0.25, "medium": 0.4, "low": 0.25}


@dataclass(frozen=True)
class SampleTicket:
    title: str
    description: str
    category: str
    priority: str


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _noisy(text: str, rng: random.Random, rate: float) -> str:
    return " ".join(_typo(w, rng) if rng.random() < rate else w for w in text.split())


def generate(n: int = 5000, *, seed: int = 2026, label_noise: float = 0.04) -> list[SampleTicket]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    priorities = list(PRIORITY_WEIGHTS)
    weights = list(PRIORITY_WEIGHTS.values())
    tickets = []
    for i in range(n):
        category = CATEGORIES[i % len(CATEGORIES)]
        words = VOCABULARY[category]
        obj, symptom = rng.choice(words["objects"]), rng.choice(words["symptoms"])
        priority = rng.choices(priorities, weights)[0]
        if rng.random() < 0.2:
            obj = rng.choice(GENERIC)  # vague: only the symptom tells
        # A terse title a third of the time: the description has to carry it.
        title = obj.capitalize() if rng.random() < 0.35 else f"{obj.capitalize()} {symptom}"
        parts = [f"My {obj} {symptom}", rng.choice(FILLER)]
        if rng.random() < 0.5:
            parts.append(f"{rng.choice(words['objects'])} {rng.choice(words['symptoms'])}")
        if rng.random() < 0.45:
            parts.append(f"maybe related to the {rng.choice(CONFUSERS[category])}")
        if rng.random() < 0.6:
            parts.append(rng.choice(PRIORITY_HINTS[priority]))
        if rng.random() < 0.3:
            parts.append(rng.choice(FILLER))
        tail = parts[1:]
        rng.shuffle(tail)
        description = _noisy(". ".join([parts[0], *tail]) + ".", rng, 0.05)
        if rng.random() < label_noise:
            category = rng.choice(CATEGORIES)
        tickets.append(SampleTicket(_noisy(title, rng, 0.03), description, category, priority))
    rng.shuffle(tickets)
    return tickets
