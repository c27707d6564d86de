"""The `diplograph` command: serve the API, load seed data, draft facts files, export the
schema."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.settings import Settings, environment_name
from store.errors import DatabaseUnavailable

app = typer.Typer(
    help="diplograph: a GraphQL API over a sourced, time-aware graph of diplomacy news.",
    no_args_is_help=True,
    add_completion=False,
)
schema_app = typer.Typer(help="Work with the GraphQL schema.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
token_app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)
app.add_typer(token_app, name="token")

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"
console = Console(stderr=True)
logger = logging.getLogger("diplograph")


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article bundle folders (or folders of them) to load at start-up too, after the "
            "bundled articles and DIPLOGRAPH_ARTICLES' (when the seed data is loaded: on the "
            "embedded store, or with DIPLOGRAPH_SEED_ON_STARTUP).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default: DIPLOGRAPH_HOST or 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to bind (default: DIPLOGRAPH_PORT or 8000).")
    ] = None,
    reload: Annotated[bool, typer.Option(help="Restart when code changes (development).")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Start the API. With MONGODB_URI unset, it runs on the embedded store with the seed data.

    The address is checked before anything starts: a port in use fails here, with one line. The
    banner (address, store, data, origins, security) is logged once the store is ready.
    """
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from api.logs import configure_logging, uvicorn_log_config
    from seeds.loader import collect_articles
    from seeds.problems import SeedValidationError

    settings = Settings()
    host = host or settings.host
    port = port or settings.port
    configure_logging(settings.log_level, settings.log_format)
    problem = bind_problem(host, port)
    if problem is not None:
        logger.error(problem)
        raise typer.Exit(1)
    extra = [*settings.articles, *(path.resolve() for path in paths or [])]
    if paths:
        try:
            collect_articles(list(paths))
        except SeedValidationError as error:
            logger.error("Not started. %s", error.message)
            raise typer.Exit(1) from None
        # The app reads its settings in each worker process; the environment reaches them all.
        os.environ[environment_name("articles")] = json.dumps([str(path) for path in extra])
    # uvicorn creates the app (in each worker) from the environment's settings; pass the address
    # given here that way, so that the app's banner shows where it listens.
    os.environ[environment_name("host")] = host
    os.environ[environment_name("port")] = str(port)
    if settings.embedded and workers > 1:
        logger.warning("Each worker has its own embedded store; use MONGODB_URI to share data.")
    if settings.should_seed and extra:
        logger.info(
            "start-up loads the bundled articles, then the bundles under %s",
            ", ".join(map(str, extra)),
        )
    elif paths:
        logger.warning(
            "The seed data is not loaded at start-up on MongoDB unless "
            "DIPLOGRAPH_SEED_ON_STARTUP=true: load these bundles with `diplograph seed %s`.",
            " ".join(map(str, paths)),
        )
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        log_level=settings.log_level,
        log_config=uvicorn_log_config(settings.log_level, settings.log_format) or LOGGING_CONFIG,
        timeout_keep_alive=settings.keep_alive_seconds,
        # httptools with header limits and read timeouts (api/protocol.py; docs/security.md: why).
        http="api.protocol:GuardedHttpToolsProtocol",
    )


def bind_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (None when it can), in one sentence.

    Binds a socket the way uvicorn will (SO_REUSEADDR, so a port in TIME_WAIT is free) and
    closes it again; uvicorn would otherwise find out only after the seed data is loaded.
    """
    where = f"{host}:{port}"
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return f"Cannot listen on {where}: {host!r} is not an address here ({error.strerror})."
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"Cannot listen on {where}: the port is in use (is diplograph already "
                    "running?). Stop the other server, or choose another port with --port or "
                    "DIPLOGRAPH_PORT."
                )
            return f"Cannot listen on {where}: {error.strerror}."
    return None


SEED_EPILOG = "\n\n".join(
    [
        "Examples: `diplograph seed` loads every bundle under seeds/articles/; "
        "`diplograph seed path/to/bundle` loads one bundle (a folder with article.txt, "
        "article.yaml and facts.yaml), merged with what is already stored; "
        "`diplograph seed --dry-run` validates and lists what would change; "
        "`diplograph seed --remove ARTICLE_ID` removes a stored article and every fact only it "
        "states.",
        "A load rebuilds only what the articles it adds, replaces or removes touch, when the "
        "store holds the full build of this reference data and code; `--full` rebuilds "
        "everything (after editing reference data it always does).",
        "Sources that disagree are all kept, and each disagreement is printed as a WARNING naming "
        "both places; one file that contradicts itself is a problem.",
        "Exit status: 0 loaded (or nothing to change), 1 invalid input (nothing written), "
        "2 database unavailable, 3 writing failed (rolled back).",
        "The database is MONGODB_URI's; with it unset, a throwaway embedded store, which makes "
        "the command a validation run. See docs/seeding.md.",
    ]
)
# In a dry run, how many ids to list per collection and kind of change.
DRY_RUN_IDS = 10


@app.command(epilog=SEED_EPILOG)
def seed(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article bundle folders (or folders of them). Default: every bundled article.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and show what would change; write nothing.")
    ] = False,
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove",
            metavar="ARTICLE_ID",
            help="Remove this stored article (repeatable): the facts only it states are deleted, "
            "the others lose its sources. Without PATHs, nothing else is loaded.",
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Rebuild the whole graph from the reference data and every stored article, "
            "even where rebuilding what the given articles touch would do.",
        ),
    ] = False,
) -> None:
    """Validate reference data and article bundles, then write what changed. All or nothing."""
    from seeds.datadir import DataFolder, is_data_folder
    from seeds.loader import collect_articles, load
    from seeds.problems import SeedValidationError
    from store.repository.dataset import WriteFailed

    settings = Settings()
    removed = list(remove or [])

    async def run() -> None:
        from store.connection import create_store

        store = create_store(settings.store_config)
        try:
            await store.ping()
            await store.detect_capabilities()
            await store.ensure_indexes()
            # A data folder (`diplograph export`'s, or the embedded store's DATA_DIR) brings its
            # corrections; any other path is a bundle or a folder of bundles. A removal alone
            # loads nothing else.
            folders = [path for path in paths or [] if is_data_folder(path)]
            bundles = [path for path in paths or [] if path not in folders]
            alone = not bundles and not folders and removed
            articles = (
                collect_articles(bundles or None) if (bundles or not folders) and not alone else []
            )
            corrections = []
            for data in folders:
                articles += DataFolder(data).articles()
                corrections += DataFolder(data).corrections()
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress:
                task = progress.add_task("starting", total=None)

                def step(message: str, steps: int | None = None) -> None:
                    progress.update(task, description=escape(message), advance=1, total=steps)

                report = await load(
                    store,
                    articles,
                    dry_run=dry_run,
                    progress=step,
                    corrections=corrections,
                    exclude=frozenset(removed),
                    full=full,
                )
        finally:
            await store.close()
        _print_report(report, settings, paths)

    # Messages quote the user's files, which may hold "[...]": print them as text, not markup,
    # and unwrapped, so that each problem stays on one line for grep and editors.
    try:
        asyncio.run(run())
    except SeedValidationError as error:
        console.print("[red]Nothing was written.[/]", escape(error.message), soft_wrap=True)
        if removed and settings.embedded:
            console.print(
                "[dim]MONGODB_URI is unset: the throwaway embedded store holds no article to "
                "remove; point MONGODB_URI at the database to remove from.[/]"
            )
        raise typer.Exit(1) from None
    except DatabaseUnavailable as error:
        console.print(
            f"[red]{escape(error.message)}[/] "
            f"(MONGODB_URI={escape(settings.mongodb_uri_redacted)})",
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    except WriteFailed as error:
        console.print(f"[red]{escape(error.message)}[/]", soft_wrap=True)
        raise typer.Exit(3) from None


def _print_report(report, settings: Settings, paths: list[Path] | None) -> None:
    output = Console()
    for warning in report.warnings:
        console.print(f"[yellow]WARNING[/] {escape(str(warning))}", soft_wrap=True)
    for loaded in report.loaded:
        output.print(
            f"{'would read' if report.dry_run else 'read'} {escape(loaded)}", soft_wrap=True
        )
    for identifier in report.removed:
        verb = "would remove" if report.dry_run else "removed"
        output.print(f"{verb} article {escape(identifier)}", soft_wrap=True)
    rebuilt = (
        "what these articles touch" if report.rebuilt is None else f"everything: {report.rebuilt}"
    )
    output.print(f"[dim]rebuilt {escape(rebuilt)}[/]", soft_wrap=True)
    table = Table(title="dry run: what would change" if report.dry_run else "seed load")
    for column in ("collection", "inserted", "updated", "deleted", "unchanged"):
        table.add_column(column, justify="left" if column == "collection" else "right")
    for change in report.changes:
        table.add_row(
            change.collection,
            str(len(change.inserted)),
            str(len(change.updated)),
            str(len(change.deleted)),
            str(change.unchanged),
        )
    output.print(table)
    if report.dry_run:
        for change in report.changes:
            for verb, ids in (
                ("insert", list(change.inserted)),
                ("update", list(change.updated)),
                ("delete", change.deleted),
            ):
                if ids:
                    shown = ", ".join(sorted(ids)[:DRY_RUN_IDS])
                    more = f" and {len(ids) - DRY_RUN_IDS} more" if len(ids) > DRY_RUN_IDS else ""
                    output.print(
                        f"would {verb} {change.collection}: {escape(shown)}{more}", soft_wrap=True
                    )
    output.print(report.summary())
    if settings.embedded:
        given = " ".join(str(path) for path in paths or [])
        serve_them = (
            f"To serve these bundles, run `diplograph serve {given}` or add them to "
            "DIPLOGRAPH_ARTICLES; `diplograph serve` alone loads only seeds/articles/."
            if paths
            else "`diplograph serve` loads seeds/articles/ (and DIPLOGRAPH_ARTICLES) at start-up."
        )
        console.print(
            "[dim]MONGODB_URI is unset: this ran on a throwaway embedded store, so nothing was "
            f"kept (a validation run). {escape(serve_them)}[/]",
            soft_wrap=True,
        )


@app.command()
def migrate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Article bundle folders (or folders of them) whose facts.yaml to rewrite.",
            show_default=False,
        ),
    ],
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 1 if a file needs migrating; write nothing."),
    ] = False,
) -> None:
    """Rewrite facts files of an earlier format so that they load: mark the entries whose names
    their quotes do not write `name_source: editorial` (review each one). Every other byte of the
    file is kept. Articles already stored are migrated when they are next loaded."""
    from seeds.loader import collect_articles
    from seeds.migrate import migrate_facts
    from seeds.problems import SeedValidationError

    try:
        folders = [Path(article.label) for article in collect_articles(list(paths))]
    except SeedValidationError as error:
        console.print("[red]Nothing was migrated.[/]", escape(error.message), soft_wrap=True)
        raise typer.Exit(1) from None
    pending = 0
    for folder in folders:
        facts = folder / "facts.yaml"
        migration = migrate_facts(facts.read_text(encoding="utf-8"), facts)
        for line in migration.changes + migration.problems:
            console.print(escape(line), soft_wrap=True)
        if migration.changed:
            pending += 1
            if not check:
                facts.write_text(migration.text, encoding="utf-8")
    done = "need migrating" if check else "migrated"
    console.print(f"{pending} of {len(folders)} facts file(s) {done}.")
    if check and pending:
        raise typer.Exit(1)


@token_app.command("create")
def token_create(
    scope: Annotated[
        list[str],
        typer.Option(
            help="What the token may do: read, write (repeat for several).", show_default=False
        ),
    ],
    token_id: Annotated[
        str | None,
        typer.Option("--id", help="Who holds it, as the audit trail names them (default: random)."),
    ] = None,
) -> None:
    """Make a new token: print it once, with the DIPLOGRAPH_TOKENS line that makes the server
    accept it. The server keeps only its SHA-256; the token cannot be shown again."""
    import json
    import secrets

    from api.auth import new_token, token_hash
    from api.settings import TokenEntry

    scopes = sorted(set(scope))
    try:
        entry = TokenEntry(
            id=token_id or f"token-{secrets.token_hex(4)}", sha256="0" * 64, scopes=scopes
        )
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    token = new_token()
    entry = entry.model_copy(update={"sha256": token_hash(token)})
    current = [t for t in Settings().tokens if t.id != entry.id]
    listing = json.dumps([t.model_dump() for t in [*current, entry]], separators=(",", ":"))
    output = Console(soft_wrap=True)
    output.print(f"token for [bold]{escape(entry.id)}[/] (scopes: {', '.join(scopes)}):")
    output.print(token, markup=False, highlight=False)
    console.print(
        "Shown once: store it now (a password manager, your CI's secrets). Then add this line to "
        "the server's environment or .env, which keeps the tokens already configured:"
    )
    output.print(f"DIPLOGRAPH_TOKENS='{listing}'", markup=False, highlight=False)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="Where to write (created if missing).")],
) -> None:
    """Write every stored article back out as bundles, with the corrections and the audit trail,
    as a data folder that `diplograph seed FOLDER` loads into another store."""
    from api.export import export_store
    from store.connection import create_store

    settings = Settings()

    async def run() -> tuple[int, int, int]:
        store = create_store(settings.store_config)
        try:
            await store.ping()
            if settings.embedded:
                from api.app import prepare_store

                await prepare_store(store, settings)
            return await export_store(store, folder)
        finally:
            await store.close()

    try:
        articles, corrections, entries = asyncio.run(run())
    except DatabaseUnavailable as error:
        console.print(f"[red]{escape(error.message)}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(
        f"wrote {articles} articles, {corrections} corrections and {entries} audit entries to "
        f"{escape(str(folder))}"
    )


EXTRACT_EPILOG = "\n\n".join(
    [
        "Example: `diplograph extract story.txt --published 2023-07-11 --url https://… --out "
        "seeds/articles/wire-2023-07-11-vilnius` writes article.txt (byte for byte), article.yaml "
        "and a draft facts.yaml, every mention linked to what the graph knows. The loader "
        "refuses the draft until a reviewer deletes its `draft:` line.",
        "The graph is the reference data, the bundled articles, the bundles given with --known, "
        "and, when MONGODB_URI is set, the articles stored there.",
        "`diplograph extract --evaluate [REVIEWED_BUNDLE …]` drafts reviewed bundles again and "
        "scores the drafts against their facts files (default: the seed article, and the "
        "fixtures under tests/fixtures/articles when run from the repository). See "
        "docs/extracting.md.",
    ]
)


@app.command(epilog=EXTRACT_EPILOG)
def extract(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="The article text (UTF-8); with --evaluate, reviewed bundle folders.",
            show_default=False,
        ),
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD: the anchor of date phrases.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Where the article was published.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="The bundle folder to write (default: ./<id>).")
    ] = None,
    article_id: Annotated[
        str | None,
        typer.Option("--id", help="The article's id (default: from the file name and the date)."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="The headline.")] = None,
    publisher: Annotated[str | None, typer.Option(help="The publisher.")] = None,
    known: Annotated[
        list[Path] | None,
        typer.Option(help="More bundle folders the graph knows (repeatable).", show_default=False),
    ] = None,
    bundled: Annotated[
        bool,
        typer.Option(help="Whether the graph includes the bundled articles (seeds/articles)."),
    ] = True,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Score drafts of reviewed bundles against their facts."),
    ] = False,
    details: Annotated[
        bool, typer.Option("--details", help="With --evaluate: list every miss and false one.")
    ] = False,
) -> None:
    """Draft an article's facts file, linked to what the graph already knows."""
    import datetime as dt
    import time

    from seeds.extract import Extractor, Knowledge
    from seeds.extract.evaluate import evaluation_sets, run_evaluation
    from seeds.extract.write import article_yaml, facts_yaml, write_bundle
    from seeds.loader import collect_articles
    from seeds.problems import SeedValidationError
    from seeds.references import slug

    output = Console()
    if evaluate:
        fixtures = Path.cwd() / "tests" / "fixtures" / "articles"
        sets = evaluation_sets(fixtures if fixtures.is_dir() else None)
        if paths:
            sets = [("given", sets[-1][1], list(paths))]
        run_evaluation(sets, details, out=lambda line: output.print(escape(line), soft_wrap=True))
        return
    if not paths or len(paths) != 1 or published is None:
        console.print("[red]Give one article file and --published YYYY-MM-DD.[/]")
        raise typer.Exit(2)
    source = paths[0]
    try:
        anchor = dt.date.fromisoformat(published)
        raw = source.read_bytes()
        text = raw.decode("utf-8")
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    stem = source.parent.name if source.stem == "article" else source.stem
    identifier = article_id or (
        slug(stem) if anchor.isoformat() in stem else f"{slug(stem)}-{anchor.isoformat()}"
    )
    folder = out or Path.cwd() / identifier
    started = time.perf_counter()
    try:
        articles = collect_articles(None) if bundled else []
        articles += collect_articles(known) if known else []
        articles += asyncio.run(_stored_articles(Settings(), articles))
        knowledge = Knowledge.build(articles)
    except SeedValidationError as error:
        console.print("[red]The graph did not load.[/]", escape(error.message), soft_wrap=True)
        raise typer.Exit(1) from None
    except DatabaseUnavailable as error:
        console.print(f"[red]{escape(error.message)}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    extractor = Extractor(knowledge)
    built = time.perf_counter()
    draft = extractor.draft(text, anchor)
    drafted = time.perf_counter()
    write_bundle(
        folder,
        raw,
        article_yaml(identifier, text, anchor, url or "https://example.invalid/", title, publisher),
        facts_yaml(draft, identifier),
    )
    counts = ", ".join(
        f"{len(draft.section(name))} {name}"
        for name in (
            "officials",
            "organisations",
            "meetings",
            "participations",
            "posts",
            "memberships",
            "decisions",
        )
    )
    output.print(f"wrote {escape(str(folder))}: {counts}; {len(draft.flags)} flag(s) to review")
    console.print(
        f"[dim]graph {built - started:.2f} s, draft {drafted - built:.2f} s. Review facts.yaml, "
        "then delete its `draft:` line and run `diplograph seed` on the folder.[/]"
    )


async def _stored_articles(settings: Settings, given: list) -> list:
    """The articles stored in MONGODB_URI's database, which the graph also knows."""
    if settings.embedded:
        return []
    from seeds.loader import stored_inputs
    from store.connection import create_store
    from store.repository import dataset as repository

    store = create_store(settings.store_config)
    try:
        await store.ping()
        return stored_inputs(await repository.stored_articles(store), given)
    finally:
        await store.close()


@schema_app.command("export")
def schema_export(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = SCHEMA_FILE,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the file differs; write nothing.")
    ] = False,
) -> None:
    """Write the schema's SDL (schema.graphql), or check that the checked-in file is current."""
    from api.graphql_schema import build_schema

    sdl = str(build_schema()) + "\n"
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != sdl:
            console.print(f"[red]{output} is stale;[/] run `diplograph schema export`.")
            raise typer.Exit(1)
        console.print(f"{output} is current.")
        return
    output.write_text(sdl, encoding="utf-8")
    console.print(f"wrote {output}")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # `python -m api.cli`, as the tests start it
    main()
