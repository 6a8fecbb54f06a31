"""Every write of the notifications app, one concern a module: telling people (notify),
delivering what was queued (delivery), the admin's retry and cancel (queue), the inbox's read
state (inbox), preferences and satisfaction ratings."""
