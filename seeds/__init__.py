"""Seed data and the loader: reference data, bundled articles with reviewed facts, and the code
that validates them and writes them to the store."""
