"""The files an operator deploys with: lock file, image, compose file, environment list,
gunicorn config."""

import fnmatch
import importlib.metadata
import itertools
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def all_values(node):
    """Every scalar in a parsed YAML document, however deeply nested."""
    if isinstance(node, dict):
        for value in node.values():
            yield from all_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_values(value)
    else:
        yield node


def published_host_addresses(service: dict) -> list[str]:
    """The host addresses a service's ports are published on ("0.0.0.0" for all of them)."""
    addresses = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            addresses.append(port.get("host_ip", "0.0.0.0"))
        else:
            parts = str(port).rsplit(":", 2)
            addresses.append(parts[0] if len(parts) == 3 else "0.0.0.0")
    return addresses


def test_compose_has_a_database_with_a_named_volume_and_healthcheck():
    compose = load_compose()
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres")
    volume_name = db["volumes"][0].split(":")[0]
    assert volume_name in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_every_compose_service_comes_back_after_a_crash_or_reboot_and_reports_its_health():
    for name, service in load_compose()["services"].items():
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name


def test_compose_redis_keeps_what_it_holds_across_restarts():
    compose = load_compose()
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis")
    # Always started: the web service counts on it.
    assert "profiles" not in redis
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    volume_name, data_dir = redis["volumes"][0].split(":")[:2]
    assert data_dir == "/data"
    assert volume_name in compose["volumes"]
    assert "redis-cli ping" in " ".join(redis["healthcheck"]["test"])


def test_compose_web_starts_once_the_database_and_redis_are_healthy_then_migrates_and_serves():
    web = load_compose()["services"]["web"]
    assert web["build"] == "."
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    command = web["command"]
    assert command.index("migrate") < command.index("gunicorn -c gunicorn.conf.py")


def test_compose_publishes_the_site_on_this_hosts_loopback_only():
    compose = load_compose()
    web = compose["services"]["web"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    # Inside the container gunicorn must listen beyond its own loopback to be reached.
    assert web["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"
    for name, service in compose["services"].items():
        assert set(published_host_addresses(service)) <= {"127.0.0.1"}, name


def test_compose_web_database_url_points_at_the_db_service():
    compose = load_compose()
    db_env = compose["services"]["db"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    expected = (
        f"postgres://{db_env['POSTGRES_USER']}:{db_env['POSTGRES_PASSWORD']}"
        f"@db:5432/{db_env['POSTGRES_DB']}"
    )
    assert url == expected


def test_compose_web_caches_in_the_redis_service():
    url = load_compose()["services"]["web"]["environment"]["REDIS_URL"]
    assert url.startswith("redis://redis:6379/")


def test_compose_refuses_to_start_without_a_secret_key_password_and_host_names():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DJANGO_ALLOWED_HOSTS"):
        references = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert references, f"{name} is never read"
        # ${NAME:?message}: unset or empty stops compose; ${NAME:-default} would not.
        assert all(reference.startswith(":?") for reference in references), name
    values = [str(value) for value in all_values(load_compose())]
    assert not any("change-me" in value for value in values)


def test_compose_keeps_https_redirect_and_secure_cookies_unless_the_operator_turns_them_off():
    environment = load_compose()["services"]["web"]["environment"]
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "${DJANGO_SECURE_SSL_REDIRECT:-1}"
    assert environment["DJANGO_SECURE_COOKIES"] == "${DJANGO_SECURE_COOKIES:-1}"


def test_compose_web_takes_client_addresses_from_the_proxy_in_front():
    web = load_compose()["services"]["web"]
    environment = web["environment"]
    assert environment["CATALOGUE_TRUSTED_PROXIES"]
    assert environment["CATALOGUE_CLIENT_IP_HEADER"] == "HTTP_X_FORWARDED_FOR"
    if environment["CATALOGUE_TRUSTED_PROXIES"] == "*":
        # Whoever connects is trusted: safe only if nothing but this host's proxy can.
        assert all(port.startswith("127.0.0.1:") for port in web["ports"])


def test_compose_web_reads_the_operators_other_settings_from_env():
    assert load_compose()["services"]["web"]["env_file"] in (".env", [".env"])


def test_compose_web_is_healthy_when_it_answers_readyz():
    healthcheck = load_compose()["services"]["web"]["healthcheck"]
    command = " ".join(healthcheck["test"])
    assert "http://127.0.0.1:8000/readyz" in command
    # The slim Python image has no curl: the probe is Python's own.
    assert healthcheck["test"][:2] == ["CMD", "python"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continued lines joined."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    source = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    instructions = []
    for line in re.sub(r"\\\n", " ", source).splitlines():
        keyword, _, arguments = line.strip().partition(" ")
        if keyword:
            instructions.append((keyword.upper(), arguments))
    return instructions


def test_image_installs_the_locked_requirements_checking_their_hashes():
    instructions = dockerfile_instructions()
    pip_installs = [
        (index, command)
        for index, (keyword, arguments) in enumerate(instructions)
        if keyword == "RUN"
        for command in re.split(r"&&|;", arguments)
        if "pip install" in command
    ]
    assert pip_installs
    for _, command in pip_installs:
        assert "--require-hashes" in command.split()
        assert "-r requirements.txt" in command
        # Installing the project itself would resolve its ranges anew, past the lock.
        assert "." not in command.split()
    lock_copied_at = next(
        index
        for index, (keyword, arguments) in enumerate(instructions)
        if keyword == "COPY" and "requirements.txt" in arguments.split()
    )
    assert lock_copied_at < pip_installs[0][0]


def test_image_serves_beyond_its_own_loopback_as_an_unprivileged_user():
    instructions = dockerfile_instructions()
    environment = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "GUNICORN_BIND=0.0.0.0:8000" in environment.split()
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and line[0] != "#"]


def test_dockerignore_keeps_local_tool_folders_out_of_the_image_but_not_what_the_site_needs():
    patterns = dockerignore_patterns()
    for heavy in ("node_modules", "build", ".venv", ".git"):
        assert heavy in patterns
    needed = ["locale", "static", "templates", "demo", "requirements.txt", "manage.py"]
    needed += ["gunicorn.conf.py", "igf_catalogue", "sessions", "strategies"]
    for path in needed:
        assert not any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path


def locked_versions() -> dict[str, tuple[str, list[str]]]:
    """requirements.txt as {canonical name: (version, sha256 hashes)}."""
    source = re.sub(r"\\\n", " ", (ROOT / "requirements.txt").read_text())
    pins = {}
    for line in source.splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        name, separator, version = words[0].partition("==")
        assert separator, f"not an exact pin: {line}"
        hashes = [word.removeprefix("--hash=sha256:") for word in words[1:]]
        assert all(word.startswith("--hash=sha256:") for word in words[1:]), line
        pins[canonicalize_name(name)] = (version, hashes)
    return pins


def project_dependencies() -> list[Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [Requirement(line) for line in pyproject["project"]["dependencies"]]


def test_lock_file_pins_every_dependency_within_the_range_pyproject_allows():
    pins = locked_versions()
    for requirement in project_dependencies():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.txt"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)


def test_lock_file_pins_what_the_requested_extras_bring():
    # psycopg[binary] is locked as psycopg plus psycopg-binary, the extra itself stripped.
    pins = locked_versions()
    for requirement in project_dependencies():
        for extra in requirement.extras:
            for line in importlib.metadata.requires(requirement.name) or []:
                brought = Requirement(line)
                if brought.marker and brought.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(brought.name) in pins, (requirement, brought)


def test_lock_file_gives_every_package_a_hash_and_says_how_it_was_made():
    for name, (_version, hashes) in locked_versions().items():
        assert hashes, f"{name} has no hash: pip install --require-hashes would refuse it"
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    header = "\n".join(itertools.takewhile(lambda line: line.startswith("#"), lines))
    assert "pip-compile --generate-hashes" in header
    assert "--output-file=requirements.txt" in header


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


@pytest.mark.parametrize("unset", [None, ""], ids=["absent", "empty as in .env.example"])
def test_gunicorn_workers_follow_the_cpu_count(monkeypatch, unset):
    import multiprocessing
    import runpy

    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_BIND"):
        if unset is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, unset)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["timeout"] == 30
    assert config["bind"] == "127.0.0.1:8000"


@pytest.mark.parametrize("name", ["GUNICORN_WORKERS", "GUNICORN_TIMEOUT"])
def test_gunicorn_names_a_number_it_cannot_read(monkeypatch, name):
    import runpy

    monkeypatch.setenv(name, "four")
    with pytest.raises(ValueError, match=f"{name} must be a whole number, not 'four'"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_settings_take_an_empty_number_as_its_default_and_name_one_they_cannot_read():
    from tests.production import run_script_in_production

    empty = run_script_in_production(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['CONN_MAX_AGE'], s.CATALOGUE_VIEWS_PER_ADDRESS)",
        DJANGO_CONN_MAX_AGE="",
        CATALOGUE_VIEWS_PER_ADDRESS="",
    )
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.split() == ["60", "10"]

    wrong = run_script_in_production("", CATALOGUE_IMPORT_MAX_MEGABYTES="fifty")
    assert wrong.returncode != 0
    assert "CATALOGUE_IMPORT_MAX_MEGABYTES must be a whole number, not 'fifty'" in wrong.stderr


def test_gunicorn_trusts_forwarded_headers_from_the_sites_trusted_proxies(monkeypatch):
    import runpy

    monkeypatch.setenv("CATALOGUE_TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.1")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["forwarded_allow_ips"] == "10.0.0.0/8,192.0.2.1"


def test_gunicorn_access_log_gives_way_to_the_json_request_log(monkeypatch):
    import runpy

    monkeypatch.delenv("DJANGO_JSON_LOGS", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] == "-"
    monkeypatch.setenv("DJANGO_JSON_LOGS", "1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] is None
