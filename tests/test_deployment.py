"""The files an operator deploys with: compose file, environment list, gunicorn config."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_a_database_with_a_named_volume_and_healthcheck():
    compose = load_compose()
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres")
    volume_name = db["volumes"][0].split(":")[0]
    assert volume_name in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_web_waits_for_the_database_then_migrates_and_serves():
    compose = load_compose()
    web = compose["services"]["web"]
    assert web["build"] == "."
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8000:8000" in web["ports"]
    command = web["command"]
    assert command.index("migrate") < command.index("gunicorn -c gunicorn.conf.py")


def test_compose_web_database_url_points_at_the_db_service():
    compose = load_compose()
    db_env = compose["services"]["db"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    expected = (
        f"postgres://{db_env['POSTGRES_USER']}:{db_env['POSTGRES_PASSWORD']}"
        f"@db:5432/{db_env['POSTGRES_DB']}"
    )
    assert url == expected


def environment_variables_read_by(path: Path) -> set[str]:
    source = path.read_text()
    pattern = r"""(?:environ\.get\(|env_bool\(|env_list\(|env=)\s*["']([A-Z_]+)["']"""
    return set(re.findall(pattern, source))


def test_env_example_lists_every_variable_the_settings_read():
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    read = environment_variables_read_by(ROOT / "igf_catalogue" / "settings.py")
    read |= environment_variables_read_by(ROOT / "gunicorn.conf.py")
    assert read, "the pattern found no variables: it no longer matches the settings"
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"


def test_gunicorn_workers_follow_the_cpu_count(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1


def test_compose_web_is_healthy_when_it_answers_readyz():
    healthcheck = load_compose()["services"]["web"]["healthcheck"]
    command = " ".join(healthcheck["test"])
    assert "http://127.0.0.1:8000/readyz" in command
    # The slim Python image has no curl: the probe is Python's own.
    assert healthcheck["test"][:2] == ["CMD", "python"]


def test_compose_redis_is_optional_and_the_web_reads_its_url_from_the_environment():
    compose = load_compose()
    assert compose["services"]["redis"]["image"].startswith("redis")
    assert compose["services"]["redis"]["profiles"] == ["redis"]
    assert compose["services"]["web"]["environment"]["REDIS_URL"] == "${REDIS_URL:-}"


def test_gunicorn_access_log_gives_way_to_the_json_request_log(monkeypatch):
    import runpy

    monkeypatch.delenv("DJANGO_JSON_LOGS", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] == "-"
    monkeypatch.setenv("DJANGO_JSON_LOGS", "1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] is None
