"""The requester portal's parts: the new-ticket form, replies with files, following a ticket."""
