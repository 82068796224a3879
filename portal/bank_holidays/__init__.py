"""The bank-holiday calendar's upkeep (kernel): `flask calendar update`, the page that
shows how far it goes, and the warning before it runs out. The calendar itself, and the
counting, are the clock's (portal.clock)."""
