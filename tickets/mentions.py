"""``@username`` in a reply or note: which names an entry mentions (pure) and which of them are
active staff (one query). Anything else that looks like a mention (an e-mail address, a
requester's or an unknown name) mentions nobody."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from core.roles import STAFF_ROLE_GROUPS

# After a start, a space or punctuation, never inside a word or an address (kim@example.com).
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20  # more names than this in one entry is a paste, not a request for help


def mentioned_usernames(text: str) -> list[str]:
    """The names after ``@``, in order of first mention, each once; a trailing full stop or
    comma of the sentence is not part of the name."""
    names = dict.fromkeys(match.rstrip(".-+@") for match in MENTION.findall(text or ""))
    return [name for name in names if name][:MAX_MENTIONS]


def staff_users() -> QuerySet:
    """Active users who hold a staff role (agents, managers, admins)."""
    staff_groups = Group.objects.filter(name__in=[str(role) for role in STAFF_ROLE_GROUPS])
    members = get_user_model().groups.through.objects.filter(group__in=staff_groups)
    return get_user_model().objects.filter(
        Q(is_superuser=True) | Q(pk__in=members.values("user_id")), is_active=True
    )


def mentioned_staff_ids(text: str) -> list[int]:
    """The ids of the staff an entry mentions, each once (one query; none for no names)."""
    names = mentioned_usernames(text)
    if not names:
        return []
    return sorted(staff_users().filter(username__in=names).values_list("pk", flat=True))
