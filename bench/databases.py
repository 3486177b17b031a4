"""The databases the search and import benchmarks drop and create for themselves.

Each script names its database in DATABASE_URL. It must hold "bench" in its name, and it
must not be one of the catalogues that bench/run measures, which take minutes to make.
"""

import os
import sys

# Made by bench/generate and measured by bench/run: never dropped by another script.
PROTECTED_DATABASES = {"igf_bench_100k", "igf_bench_1k"}


def throwaway_database_settings(example: str) -> dict:
    """The settings of DATABASE_URL, once it names a database that may be dropped."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"Set DATABASE_URL to a PostgreSQL database, e.g. .../{example}.")
    settings = dj_database_url.parse(url)
    name = settings["NAME"]
    if "bench" not in name or name in PROTECTED_DATABASES:
        sys.exit(
            f'The database "{name}" is dropped and created: name another one "..bench..", '
            f"not {' or '.join(sorted(PROTECTED_DATABASES))}."
        )
    return settings


def connect(settings: dict, dbname: str | None = None):
    """A connection in autocommit to `dbname` (the settings' own database by default)."""
    import psycopg

    return psycopg.connect(
        dbname=dbname or settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )


def drop_database(settings: dict) -> None:
    from psycopg import sql

    with connect(settings, "postgres") as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(settings["NAME"]))
        )


def recreate_database(settings: dict) -> None:
    """The settings' database dropped if it exists, and created empty."""
    from psycopg import sql

    drop_database(settings)
    with connect(settings, "postgres") as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
