"""The production stack for the end-to-end test and the load benchmark: a PostgreSQL database of
its own, production settings, static files in the manifest, gunicorn and a job worker, and a small
cookie-keeping client that signs in and fetches pages."""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_database(base_url: str, suffix: str) -> Iterator[str]:
    """A fresh database beside the one in `base_url` (same server), dropped afterwards."""
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'nlb'}_{suffix}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="nlb.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        NLB_VAR_DIR=str(var_dir),
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_FORMAT="json",
        **extra,
    )
    return env


def nlb(env: dict[str, str], *args: str, settings: str | None = None) -> subprocess.Popen:
    """Start an `nlb` command; `finish` waits for it."""
    run_env = {**env, "DJANGO_SETTINGS_MODULE": settings or env["DJANGO_SETTINGS_MODULE"]}
    return subprocess.Popen(
        [sys.executable, "-m", "nlb.cli", *args],
        cwd=ROOT,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen) -> None:
    """Wait for a command; raise with its output if it failed."""
    output, _ = process.communicate()
    if process.returncode:
        raise RuntimeError(f"{' '.join(process.args[2:])} failed:\n{output[-5000:]}")


def prepare(env: dict[str, str]) -> None:
    """Migrate, load the shipped data and demo records, collect static files into the manifest
    (static files beside the database work: they need no database)."""
    static = nlb(env, "collectstatic", "--no-input")
    finish(nlb(env, "migrate", "--no-input"))
    finish(nlb(env, "bootstrap", settings="nlb.settings.local"))  # demo records, as `make run`
    finish(static)


@dataclass
class Stack:
    url: str
    web: subprocess.Popen
    worker: subprocess.Popen
    log: Path

    def pids(self) -> list[int]:
        """Every process of the stack (gunicorn's master and workers, the job worker)."""
        pids = [self.web.pid, self.worker.pid]
        for pid in list(pids):
            children = Path(f"/proc/{pid}/task/{pid}/children")
            if children.exists():
                pids += [int(p) for p in children.read_text().split()]
        return pids


@contextmanager
def running(env: dict[str, str], port: int, log: Path, **gunicorn_env: str) -> Iterator[Stack]:
    """gunicorn (production settings, bounded) and one job worker; both stopped on exit."""
    with open(log, "a") as out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "nlb/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "nlb.wsgi"],
            cwd=ROOT, env={**env, **gunicorn_env}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "nlb.cli", "db_worker", "--no-reload", "--queue-name", "*"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    stack = Stack(url=f"http://127.0.0.1:{port}", web=web, worker=worker, log=log)
    try:
        deadline = time.monotonic() + 180
        while True:
            if web.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{stack.url}/health/", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in time: {log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield stack
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Client:
    """A person's browser as far as the server can tell: cookies, CSRF token, redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(
        self, path: str, timeout: float = 120, headers: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """(status, content type, text) after redirects."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read()
                text = body.decode("utf-8", "replace") if "text" in kind or "json" in kind else ""
                return response.status, kind, text
        except urllib.error.HTTPError as error:
            return (
                error.code,
                error.headers.get("Content-Type", ""),
                error.read().decode("utf-8", "replace"),
            )

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.get("/accounts/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"sign-in page: status {status}")
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/sign-in/", data=data, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=120) as response:
            if "/accounts/sign-in/" in response.url:
                raise RuntimeError(f"sign-in as {username} refused")


LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/sign-out/", "/admin/", "/static/", "/media/")


def page_links(text: str) -> list[str]:
    return [html.unescape(link) for link in LINK.findall(text) if not link.startswith(SKIP)]
