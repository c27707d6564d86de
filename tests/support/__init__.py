"""Helpers shared by the tests: settings and an in-process app (`app`), seed bundles (`seeds`),
document factories (`factories`), the FerretDB test server (`ferretdb`), the database the suite
runs on (`backend`, a pytest plugin), the reads the database received (`reads`), an app whose
database can be taken away (`outage`), headless Chromium (`chromium`),
the embedded engine's index checks (`embedded`). Their fixtures are in
`fixtures` and `backend`, registered by tests/conftest.py; test files import helpers from here,
never from conftest or from one another."""
