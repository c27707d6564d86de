"""`diplograph seed`: exit statuses scripts can trust, the summary table, problems one per line.

The command creates its own store. On the embedded backend the tests hand it a store they keep
(so that a second run sees the first); on a server, it writes to a throwaway database that the
test reads and drops afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator

import pytest
import uvicorn
from typer.testing import CliRunner

import store.connection
from api.cli import app
from api.settings import Settings
from store.connection import Store, create_store
from tests.support.app import ROOT, drop_test_database, mongodb_uri, throwaway_database
from tests.support.seeds import SEED_BUNDLE, copy_bundle, edit, fail_writes_to, line_of


class CliStore:
    """The database the command writes to, and a way to count its documents."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.database = throwaway_database()
        uri = mongodb_uri()
        self.settings = Settings(_env_file=None, mongodb_uri=uri, mongodb_database=self.database)
        self.env = {"MONGODB_URI": uri or "", "DIPLOGRAPH_MONGODB_DATABASE": self.database}
        self.embedded: Store | None = None
        if self.settings.embedded:
            self.embedded = create_store(self.settings.store_config)
            self.collection_class = type(self.embedded["articles"])

            async def keep_open() -> None:
                return None

            monkeypatch.setattr(self.embedded, "close", keep_open)
            monkeypatch.setattr(store.connection, "create_store", lambda config: self.embedded)
        else:
            from pymongo.asynchronous.collection import AsyncCollection

            self.collection_class = AsyncCollection

    def count(self, collection: str) -> int:
        async def counted() -> int:
            store = self.embedded or create_store(self.settings.store_config)
            try:
                return await store[collection].count_documents({})
            finally:
                if self.embedded is None:
                    await store.close()

        return asyncio.run(counted())

    def drop(self) -> None:
        drop_test_database(self.settings.mongodb_uri, self.database)


@pytest.fixture
def cli_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliStore]:
    target = CliStore(monkeypatch)
    yield target
    target.drop()


def seed(cli_store: CliStore, *arguments: str):
    return CliRunner().invoke(app, ["seed", *arguments], env=cli_store.env)


def test_seed_loads_the_bundled_article_and_prints_the_summary_table(cli_store):
    result = seed(cli_store)

    assert result.exit_code == 0, result.output
    assert "seed load" in result.stdout
    for row in ("│ countries      │      249 │", "│ participations │       12 │"):
        assert row in result.stdout
    assert "338 inserted, 0 updated, 0 deleted, 0 unchanged" in result.stdout
    assert cli_store.count("officials") == 9


def test_a_second_seed_run_reports_no_changes(cli_store):
    seed(cli_store)

    result = seed(cli_store)

    assert result.exit_code == 0, result.output
    assert "0 inserted, 0 updated, 0 deleted, 338 unchanged" in result.stdout


def test_a_dry_run_lists_what_would_change_and_writes_nothing(cli_store):
    result = seed(cli_store, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run: what would change" in result.stdout
    assert (
        "would insert officials: anthony-albanese, fumio-kishida, jacinda-ardern," in result.stdout
    )
    assert "would insert countries: AD, AE, AF, AG, AI, AL, AM, AO, AQ, AR and 239 more" in (
        result.stdout
    )
    assert "338 would be inserted" in result.stdout
    assert cli_store.count("officials") == 0


def test_bad_input_exits_1_with_one_line_per_problem_and_writes_nothing(cli_store, tmp_path):
    bundle = copy_bundle(tmp_path)
    facts = bundle / "facts.yaml"
    edit(facts, "date: {phrase: June 30}", "date: 2022-02-30")
    edit(
        facts,
        "  - meeting: NAC+4 meeting\n    participant: Kim Gunn\n",
        "  - meeting: NAC+4 meeting\n    participant: Kim Gun\n",
    )

    result = seed(cli_store, str(bundle))

    assert result.exit_code == 1
    assert "Nothing was written. 2 problem(s) in the seed input:" in result.stderr
    assert (
        f"{facts}:{line_of(facts, '2022-02-30')}: meetings.0.date: '2022-02-30' is not a real "
        "date (day is out of range for month)\n"
    ) in result.stderr
    assert (
        f"{facts}:{line_of(facts, 'participant: Kim Gun', exact=True)}: "
        "participations.6.participant: no country or official or organisation is known as "
        "'Kim Gun'. Did you mean 'Kim Gunn'?\n"
    ) in result.stderr
    assert cli_store.count("articles") == 0


def test_problems_quoting_brackets_print_verbatim(cli_store, tmp_path):
    bundle = copy_bundle(tmp_path)
    edit(
        bundle / "facts.yaml",
        "quote: NAC+4 refers to 30 NATO members",
        "quote: NAC+4 refers to [sic] 30 NATO members [/b]",
    )

    result = seed(cli_store, str(bundle))

    assert result.exit_code == 1
    assert "the quote 'NAC+4 refers to [sic] 30 NATO members [/b]' is not in article.txt" in (
        result.stderr
    )


def test_a_path_that_is_not_a_bundle_exits_1(cli_store, tmp_path):
    result = seed(cli_store, str(tmp_path / "missing"))

    assert result.exit_code == 1
    assert f"{tmp_path / 'missing'}: no such file or folder" in result.stderr


def test_a_failed_write_exits_3_and_says_it_was_rolled_back(cli_store, monkeypatch):
    fail_writes_to(monkeypatch, cli_store.collection_class, "officials")

    result = seed(cli_store)

    assert result.exit_code == 3
    assert "Writing failed (AutoReconnect: connection lost while writing officials)" in (
        result.stderr
    )
    assert "rolled back: the store is as it was" in result.stderr
    assert cli_store.count("countries") == 0


def test_seed_help_explains_paths_dry_run_and_exit_statuses():
    result = CliRunner().invoke(app, ["seed", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for expected in (
        "Article bundle folders (or folders of them). Default: every bundled article.",
        "--dry-run",
        "Validate and show what would change; write nothing.",
        "Exit status: 0 loaded (or nothing to change), 1 invalid input (nothing written), "
        "2 database unavailable, 3 writing failed (rolled back).",
        "docs/seeding.md",
    ):
        assert expected in text


def test_an_unreachable_database_exits_2_without_printing_the_password():
    settings_env = {
        "MONGODB_URI": "mongodb://editor:s3cret@127.0.0.1:9/?directConnection=true",
        "DIPLOGRAPH_MONGODB_TIMEOUT_MS": "300",
    }

    result = CliRunner().invoke(app, ["seed"], env=settings_env)

    assert result.exit_code == 2
    assert "The database did not answer" in result.stderr
    assert "MONGODB_URI=mongodb://editor:***@127.0.0.1:9/" in result.stderr
    assert "s3cret" not in result.output


# --- many articles: warnings, removal, serving what was loaded, migration ---------------------

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CONTRADICTS = FIXTURES / "diplograph-test-wire-2022-06-30-yoon-stoltenberg-partnership"
SUCCESSOR = FIXTURES / "diplograph-test-wire-2023-07-12-vilnius-indo-pacific-partners"


def test_a_disagreement_between_sources_is_printed_as_a_warning_and_loads(cli_store):
    result = seed(cli_store, str(SEED_BUNDLE), str(CONTRADICTS))

    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert warning.startswith(
        "WARNING seeds/articles/korea-times-2022-09-28-nato-mission/facts.yaml:"
    )
    assert "memberships/nato--kr--partner: start is '2005' ('Since 2005') here, but " in warning
    assert f"{CONTRADICTS.name}/facts.yaml:" in warning
    assert f"read {CONTRADICTS.name} (" in result.stdout
    assert cli_store.count("articles") == 2


@pytest.mark.embedded  # the message is about MONGODB_URI being unset
def test_a_validation_run_says_nothing_was_kept_and_how_to_serve_the_bundles(cli_store):

    result = seed(cli_store, str(SEED_BUNDLE), str(CONTRADICTS))

    message = " ".join(result.stderr.split())
    assert "this ran on a throwaway embedded store, so nothing was kept" in message
    assert f"run `diplograph serve {SEED_BUNDLE} {CONTRADICTS}`" in message
    assert "serve loads it at start-up" not in message


def test_remove_deletes_a_stored_article_and_what_only_it_states(cli_store):
    seed(cli_store, str(SEED_BUNDLE), str(SUCCESSOR))
    officials = cli_store.count("officials")

    dry = seed(cli_store, "--remove", SUCCESSOR.name, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would remove article {SUCCESSOR.name}" in dry.stdout
    assert cli_store.count("articles") == 2

    result = seed(cli_store, "--remove", SUCCESSOR.name)

    assert result.exit_code == 0, result.output
    assert f"removed article {SUCCESSOR.name}" in result.stdout
    assert "read " not in result.stdout  # a removal alone loads nothing else
    assert cli_store.count("articles") == 1
    assert cli_store.count("officials") == officials - 3  # Hipkins, Erdoğan, Kristersson


def test_removing_an_article_not_stored_exits_1(cli_store):
    seed(cli_store)

    result = seed(cli_store, "--remove", "no-such-article")

    assert result.exit_code == 1
    assert "--remove: no stored article has the id 'no-such-article'" in result.stderr


def test_serve_takes_extra_bundle_folders_and_hands_them_to_the_app(monkeypatch, caplog):
    given = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))
    # `serve` sets the variable for the app's processes; setenv first, so that it is put back.
    monkeypatch.setenv("DIPLOGRAPH_ARTICLES", "[]")
    monkeypatch.delenv("MONGODB_URI", raising=False)

    with caplog.at_level(logging.INFO, logger="diplograph"):
        result = CliRunner().invoke(app, ["serve", "--port", "0", str(FIXTURES)])

    assert result.exit_code == 0, result.output
    assert json.loads(os.environ["DIPLOGRAPH_ARTICLES"]) == [str(FIXTURES.resolve())]
    assert Settings().articles == [FIXTURES.resolve()]
    assert f"then the bundles under {FIXTURES.resolve()}" in caplog.text


def test_serve_refuses_a_path_that_is_not_a_bundle(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("started"))

    with caplog.at_level(logging.ERROR, logger="diplograph"):
        result = CliRunner().invoke(app, ["serve", "--port", "0", str(tmp_path / "missing")])

    assert result.exit_code == 1
    assert "Not started." in caplog.text
    assert f"{tmp_path / 'missing'}: no such file or folder" in caplog.text


def test_migrate_rewrites_a_bundle_of_the_previous_format(tmp_path):
    bundle = copy_bundle(tmp_path)
    facts = bundle / "facts.yaml"
    current = facts.read_text(encoding="utf-8")
    facts.write_text(
        "".join(line for line in current.splitlines(keepends=True) if "name_source" not in line),
        encoding="utf-8",
    )
    runner = CliRunner()

    checked = runner.invoke(app, ["migrate", "--check", str(bundle)])
    assert checked.exit_code == 1
    assert "1 of 1 facts file(s) need migrating." in checked.stderr
    assert "name_source: editorial (kr-mission-nato)" in checked.stderr

    migrated = runner.invoke(app, ["migrate", str(bundle)])

    assert migrated.exit_code == 0, migrated.output
    assert facts.read_text(encoding="utf-8") == current
    assert runner.invoke(app, ["migrate", "--check", str(bundle)]).exit_code == 0
