"""Semantic triage: tickets and team/category profiles embedded by a small provider interface
(routing.semantic.providers), ranked by similarity and blended with the keyword map and the
learned classifier (routing.semantic.blend), learning from every resolved or transferred
ticket (routing.actions.triage_learning). See docs/triage.md."""
