"""Sign-in, invitations and reset links, passwords, sessions and throttling."""
