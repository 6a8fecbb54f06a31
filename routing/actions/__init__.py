"""Every write of the routing app, one concern a module: routing a ticket (route), running
rules on other events (rules), the rules and weights themselves (config) and the measured team
metrics (metrics). Routing writes only its own tables; what it decides for a ticket is applied
by the ticket's action (tickets.actions.decisions)."""
