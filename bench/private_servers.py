"""Throwaway servers for the fault checks (bench/faults.py): a PostgreSQL cluster and a
redis-server of their own, each on a free port of 127.0.0.1, so that stopping them
harms nothing else on the machine."""

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path


def postgres_bin_dir() -> Path:
    if configured := os.environ.get("PG_BIN"):
        return Path(configured)
    with contextlib.suppress(FileNotFoundError, subprocess.CalledProcessError):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(found) / "initdb").exists():
            return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        sys.exit("initdb not found: set PG_BIN to PostgreSQL's bin directory")
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary directory, on its own port."""

    def __init__(self, directory: Path, port: int):
        self.bin = postgres_bin_dir()
        self.directory = directory
        self.data = directory / "data"
        self.port = port
        self.as_postgres_user = os.geteuid() == 0

    def run(self, *command: str) -> None:
        if self.as_postgres_user:
            command = ("su", "postgres", "-c", shlex.join(command))
        subprocess.run(command, check=True, capture_output=True, cwd="/")

    def initdb(self) -> None:
        if self.as_postgres_user:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


class PrivateRedis:
    """A throwaway redis-server on its own port, keeping nothing on disk."""

    def __init__(self, port: int):
        self.port = port
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
