"""Business cases for new departmental social media (Networking Policy 3.4)."""
