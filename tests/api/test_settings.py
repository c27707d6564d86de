"""Settings: `DIPLOGRAPH_` variables, the conventional MONGODB_URI, and the bare names of the
previous release, still read for one release with a warning, except a bare DEBUG."""

from __future__ import annotations

import logging
import os

import pytest

from api.settings import Settings

SETTINGS_LOGGER = "diplograph.settings"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment and working directory (no .env), to set variables in."""
    for name in list(os.environ):
        if name.startswith("DIPLOGRAPH_") or name in {"MONGODB_URI", "PORT", "HOST", "DEBUG"}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_a_prefixed_variable_sets_its_setting(environment):
    environment.setenv("DIPLOGRAPH_PORT", "9001")

    assert Settings().port == 9001


def test_mongodb_uri_is_read_unprefixed_and_prefixed_and_the_prefixed_one_wins(environment):
    environment.setenv("MONGODB_URI", "mongodb://plain")
    assert Settings().mongodb_uri == "mongodb://plain"

    environment.setenv("DIPLOGRAPH_MONGODB_URI", "mongodb://prefixed")
    assert Settings().mongodb_uri == "mongodb://prefixed"


def test_a_bare_name_of_the_previous_release_still_works_and_names_its_new_variable(
    environment, caplog
):
    environment.setenv("PORT", "9002")

    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        settings = Settings()

    assert settings.port == 9002
    assert "PORT is deprecated" in caplog.text
    assert "DIPLOGRAPH_PORT" in caplog.text


def test_the_prefixed_variable_wins_over_the_bare_name_without_a_warning(environment, caplog):
    environment.setenv("PORT", "9002")
    environment.setenv("DIPLOGRAPH_PORT", "9003")

    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        settings = Settings()

    assert settings.port == 9003
    assert caplog.text == ""


def test_a_bare_debug_is_ignored_with_a_warning(environment, caplog):
    environment.setenv("DEBUG", "1")

    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        settings = Settings()

    assert settings.debug is False
    assert "DEBUG is ignored" in caplog.text
    assert "DIPLOGRAPH_DEBUG" in caplog.text


def test_debug_is_turned_on_by_its_prefixed_variable(environment):
    environment.setenv("DIPLOGRAPH_DEBUG", "1")

    assert Settings().debug is True


def test_a_bare_name_in_the_env_file_is_read_too(environment, tmp_path, caplog):
    (tmp_path / ".env").write_text("HOST=0.0.0.0\nDEBUG=true\n", encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        settings = Settings()

    assert (settings.host, settings.debug) == ("0.0.0.0", False)
    assert "DIPLOGRAPH_HOST" in caplog.text
