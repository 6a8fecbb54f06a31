"""Every write of the knowledge base: articles (written, drafted from a resolved ticket, the
demo set) and feedback on them (votes, uses)."""
