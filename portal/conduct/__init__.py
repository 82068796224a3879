"""Disciplinary records linked to the evidence that the person knew the rule."""
