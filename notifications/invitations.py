"""The invitation e-mail: a one-time link for a contact to choose a password.

The link is Django's password-reset link (its token is derived from the password hash and the
last login, so it stops working once a password is chosen, and after PASSWORD_RESET_TIMEOUT).
It goes only to the contact's own address and is never shown to whoever sent the invitation.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.messages import site_name
from notifications.transport import send_email

User = get_user_model()


def invitation_link(user) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.NOTIFICATIONS_BASE_URL.rstrip("/") + path


def send_invitation(*, user_id: int, email: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email.lower() != email.lower():
        return  # the login went away or changed address since: nothing to invite to
    body = render_to_string(
        "notifications/email/invitation.txt",
        {
            "link": invitation_link(user),
            "site_name": site_name(),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
    send_email(
        EmailMessage(
            subject=f"Your {site_name()} sign-in",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
    )
