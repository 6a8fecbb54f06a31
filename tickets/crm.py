"""What a CRM record id may look like (HubSpot's are digits; others use letters, dashes, colons
or slashes): one rule for every door that takes one. Pure."""

import re

CRM_ID_MAX = 100
_CRM_ID = re.compile(r"[\w.:@/+-]{1,100}", re.ASCII)
CRM_ID_RULE = f"At most {CRM_ID_MAX} letters, digits and _ . : @ / + - characters."


def is_crm_id(value: str) -> bool:
    return bool(_CRM_ID.fullmatch(value))
