"""Pre-election periods: elections the Town Clerk records, and the restraint their periods ask."""
