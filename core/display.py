"""How people are named in messages, timelines, events and API answers."""


def display_name(user) -> str:
    """A person's name: their full name, else their username; the system (None) and
    integrations too."""
    if user is None:
        return "the service desk"
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()
