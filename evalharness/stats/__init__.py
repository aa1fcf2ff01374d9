"""Statistics written once: means, seeded bootstrap intervals, paired tests."""
