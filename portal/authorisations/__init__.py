"""Written authorisations to post for the council (Networking Policy 3.2): channels,
requests, issue by the Mayor or the Town Clerk, letters, revocation, register, verification."""
