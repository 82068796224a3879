"""Breach records for people the council does not employ: the routes other than the
Disciplinary Policy (portal/people/breach_routes.py)."""
