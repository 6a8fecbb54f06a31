"""Every write to the ticket domain's tables, one concern a module. Each action is keyword-only
with the actor named, runs in one transaction on the locked ticket, writes the timeline and the
audit row with its change, publishes its event to the outbox (tickets.events), and raises a
domain error (core.exceptions) instead of half-writing. Doors call these; other apps ask them
(routing and rules through decisions, SLA through scores, escalations through lifecycle and
timeline); nothing else writes these tables."""
