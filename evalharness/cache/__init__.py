"""One SQLite key-value store with namespaces and one policy; the score cache on top of it."""
