"""Every write of the SLA app, one concern a module: the clock of one ticket as the ticket
changes (clocks), crossings recorded and announced (crossings), the periodic scan and the
recompute after a configuration change (scan), policies and calendars (policies), and agents'
reminders (reminders). The ticket's rows are not written here: the priority score's SLA part
goes through tickets.actions.scores."""
