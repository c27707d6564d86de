"""Which database the suite runs on, and the FerretDB processes tests start for themselves.

- `pytest`: the embedded store, unless MONGODB_URI names a server (your own MongoDB, say).
- `pytest --ferretdb`: a FerretDB 1.24 that the suite builds (`make ferretdb`) and starts on a
  free port over a temporary SQLite directory; MONGODB_URI points at it for the whole session,
  subprocesses included. `make test` runs both passes.

On a server, every test works in a throwaway `diplograph_test_<hex>` database and drops it, even
when the test fails. The session checks this at its end: a database the session created and left
behind is dropped and reported as an error, and so is any database it created outside those
names (your own `diplograph` database is never written to).

Markers:
- `server`: needs a MongoDB-protocol server (two processes sharing it, a server process to stop
  or kill). Runs in a server pass; deselected on the embedded store.
- `embedded`: about the embedded store itself, or runs on it whatever the backend (the bench
  scripts, the browser and Node clients). Runs in the embedded pass; deselected on a server.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymongo
import pytest

from tests.support.app import TEARDOWN_TIMEOUT_MS, TEST_DATABASE_PREFIX
from tests.support.ferretdb import (
    FerretDBError,
    FerretDBServer,
    build,
    free_port,
    in_ci,
    running_ferretdb,
    unavailable,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--ferretdb",
        action="store_true",
        help="run the suite against a FerretDB 1.24 (SQLite) it builds and starts (needs Go)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "server: needs a MongoDB-protocol server")
    config.addinivalue_line("markers", "embedded: runs on the embedded store whatever the backend")


def backend(config: pytest.Config) -> str:
    """`ferretdb` (started by the suite), `server` (MONGODB_URI) or `embedded`."""
    if config.getoption("--ferretdb"):
        return "ferretdb"
    return "server" if os.environ.get("MONGODB_URI") else "embedded"


def pytest_report_header(config: pytest.Config) -> str:
    return {
        "ferretdb": "database: FerretDB 1.24 (SQLite), started by the suite",
        "server": "database: the server MONGODB_URI names, in throwaway databases",
        "embedded": "database: the embedded store (`pytest --ferretdb` for a real server)",
    }[backend(config)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests that belong to the other pass (deselected, not skipped: they run)."""
    other = "server" if backend(config) == "embedded" else "embedded"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def database_server(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The URI of the session's server (None on the embedded store), checked for leftovers.

    MONGODB_URI is set for the session either way (empty for the embedded store), so that no
    `diplograph` command a test runs picks up a URI from a `.env` file.
    """
    kind = backend(request.config)
    if kind == "embedded":
        with _environment(""):
            yield None
        return
    if kind == "server":
        uri = os.environ["MONGODB_URI"]
        with _environment(uri), _left_clean(uri):
            yield uri
        return
    try:
        binary = build()
    except FerretDBError as error:
        if in_ci():
            pytest.exit(f"{error}. CI runs the suite on FerretDB, so this is a failure", 1)
        pytest.skip(f"the FerretDB pass needs the FerretDB test server: {error}")
    try:
        with running_ferretdb(binary) as server, _environment(server.uri), _left_clean(server.uri):
            yield server.uri
    except FerretDBError as error:
        pytest.exit(f"the FerretDB test server failed: {error}", 1)


@contextmanager
def _environment(uri: str) -> Iterator[None]:
    """MONGODB_URI for the session, and no DIPLOGRAPH_MONGODB_URI to override it."""
    names = ("MONGODB_URI", "DIPLOGRAPH_MONGODB_URI")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["MONGODB_URI"] = uri
    os.environ.pop("DIPLOGRAPH_MONGODB_URI", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _connect(uri: str) -> pymongo.MongoClient:
    return pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=TEARDOWN_TIMEOUT_MS, timeoutMS=TEARDOWN_TIMEOUT_MS
    )


def _leftovers(client: pymongo.MongoClient, before: set[str]) -> tuple[list[str], list[str]]:
    """The databases created since `before`: throwaway ones (dropped here), and any others."""
    created = set(client.list_database_names()) - before
    throwaway = sorted(name for name in created if name.startswith(TEST_DATABASE_PREFIX))
    for name in throwaway:
        client.drop_database(name)
    return throwaway, sorted(created - set(throwaway))


def _report(throwaway: list[str], strangers: list[str], who: str) -> None:
    problems = []
    if throwaway:
        problems.append(f"{who} left throwaway databases behind (now dropped): {throwaway}")
    if strangers:
        problems.append(f"{who} created databases outside the throwaway names: {strangers}")
    if problems:
        pytest.fail("; ".join(problems))


@contextmanager
def _left_clean(uri: str) -> Iterator[None]:
    """Note the databases at the start; at the end, drop and report those the session left."""
    with _connect(uri) as client:
        before = set(client.list_database_names())
    yield
    with _connect(uri) as client:
        _report(*_leftovers(client, before), "the tests")


@pytest.fixture(scope="session")
def _database_watch(database_server: str | None) -> Iterator[pymongo.MongoClient | None]:
    if database_server is None:
        yield None
        return
    with _connect(database_server) as client:
        yield client


@pytest.fixture(autouse=True)
def _each_test_leaves_no_database(
    _database_watch: pymongo.MongoClient | None,
) -> Iterator[None]:
    """On a server, fail the test that leaves a database behind (naming it), so a leak is found
    where it happens; the session's own check catches what this cannot see."""
    if _database_watch is None:
        yield
        return
    before = set(_database_watch.list_database_names())
    yield
    _report(*_leftovers(_database_watch, before), "this test")


def ferretdb_binary() -> Path:
    """The built FerretDB, or a skip saying why (a failure under CI=true)."""
    try:
        return build()
    except FerretDBError as error:
        unavailable(str(error))


@pytest.fixture
def ferretdb_process(tmp_path: Path) -> Iterator[FerretDBServer]:
    """A FerretDB of the test's own, on a free port but not started: the test decides when it
    comes up, and may pause, kill and restart it. Killed at the end (its data is temporary)."""
    binary = ferretdb_binary()
    data = Path(tempfile.mkdtemp(prefix="ferretdb-", dir=tmp_path))
    server = FerretDBServer(binary, data_dir=data, log_dir=tmp_path, port=free_port())
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def ferretdb(ferretdb_process: FerretDBServer) -> FerretDBServer:
    """A started FerretDB of the test's own (see `ferretdb_process`)."""
    try:
        ferretdb_process.start()
    except FerretDBError as error:
        pytest.fail(str(error))
    return ferretdb_process
