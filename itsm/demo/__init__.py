"""The demo service desk that ``python manage.py seed_demo`` builds: eight teams, forty
agents, three hundred requesters in thirty companies, and ninety days of ticket history that
the real routing engine and SLA arithmetic decided, written in bulk (itsm.demo.seed)."""
