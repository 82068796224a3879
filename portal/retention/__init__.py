"""The retention schedule: every kind of personal record the portal keeps, how long, on
what basis, and the run that applies it (UK GDPR Art. 5(1)(e) and Art. 30(1)(f))."""
