# The suite's fixtures (embedded PostgreSQL and Tansu, per-test topics and databases) live in the launcher.
pytest_plugins = ["launcher.testing"]
