"""Every write of the escalations app: envelopes (open, accept, thread, complete, cancel) and
the firing of ``escalation.age_exceeded`` rules. The ticket's own rows (its status, its
timeline) are written by the ticket's actions, which these ask."""
