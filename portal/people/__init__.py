"""People, departments, roles and engagement types; CSV import; leavers."""
