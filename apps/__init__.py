"""Domain apps: one Django app per concept of the sector-led support framework."""
