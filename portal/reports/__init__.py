"""The compliance overview for the Town Clerk and managers, its exports and charts."""
