"""The browser-facing security policies, imported by itsm.settings.

CONTENT_SECURITY_POLICY (django-csp): no inline code anywhere; scripts, styles, fonts and
images come from the site's own static files only (tests/pages/test_csp.py checks every page,
tests/pages/test_csp_browser.py runs them in Chromium). connect-src 'self' also covers ws: and
wss: on the page's own host and port (CSP level 3), so the websockets need no extra source.
A view that sets its own header (attachment downloads: ``default-src 'none'; sandbox``) keeps it.

PERMISSIONS_POLICY (core.middleware): browser features no page uses, denied to the pages and to
anything they could embed.
"""

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}
