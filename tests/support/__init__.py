"""Helpers shared by the tests: settings and an in-process app (`app`), seed bundles (`seeds`),
document factories (`factories`), a fake MongoDB (`fake_mongod`), headless Chromium (`chromium`),
the embedded engine's index checks (`embedded`).
Their fixtures are in `fixtures`, registered by tests/conftest.py; test files import helpers from
here, never from conftest or from one another."""
