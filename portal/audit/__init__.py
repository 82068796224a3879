"""Hash-chained audit events, their verification and a viewer."""
