"""The operator's path without the clone: build the wheel, install it in a fresh virtualenv outside
the clone, and run `suara migrate`, `suara check` and `suara serve` from an empty folder.

Docker cannot run here, so this proves what the Dockerfile does: the package alone (config files,
catalogs, migrations, templates) is enough to serve a Telegram webhook on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fakebot import TOKEN, FakeBotAPI, served_fake
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from sqlmodel import select

from storage import db
from storage.models import InboundUpdate

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
SECRET = "packaged-install_secret-0123"
WEBHOOK = "https://suara.example.org/webhooks/telegram"
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "build", "var", "*.egg-info", "__pycache__", "*.mo", ".*_cache"
)
"""What a fresh checkout lacks: the wheel must build (and compile its catalogs) without it."""
START_SECONDS = 60


@pytest.fixture(scope="module")
def suara(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds the wheel from a clean copy of the sources, installs it in a fresh virtualenv
    outside the clone; returns the installed `suara` script."""
    work = tmp_path_factory.mktemp("packaged")
    assert not work.is_relative_to(ROOT)
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", wheels, source], check=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    (wheel,) = wheels.glob("suara-*.whl")
    subprocess.run([*pip, "--python", venv / "bin" / "python", "install", wheel], check=True)
    return venv / "bin" / "suara"


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """An empty folder outside the clone to run the commands in."""
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def environment(suara: Path, **settings: str) -> dict[str, str]:
    """Returns only what an operator sets: the venv on PATH and Suara's own variables."""
    return {
        "PATH": f"{suara.parent}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/"),
        **settings,
    }


def run(
    suara: Path, folder: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """Runs one installed `suara` command in folder."""
    return subprocess.run(
        [str(suara), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    """Returns a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def packaged(suara: Path, name: str) -> Path:
    """Returns where the installed package keeps a default config file (inside the venv)."""
    code = f"from bot.settings import packaged_config; print(packaged_config({name!r}))"
    found = subprocess.run(
        [suara.parent / "python", "-c", code],
        cwd=suara.parent,  # `-c` puts the folder it runs in on sys.path: not the clone
        env=environment(suara),
        capture_output=True,
        text=True,
        check=True,
    )
    path = Path(found.stdout.strip())
    assert path.is_relative_to(suara.parent.parent)
    return path


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    """A fake Bot API for the installed server to call."""
    with served_fake() as api:
        yield api


def serving(suara: Path, folder: Path, env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """Starts `suara serve` and waits until /healthz answers 200."""
    with (folder / "serve.log").open("w") as log:  # the server writes to its own copy
        server = subprocess.Popen(
            [str(suara), "serve", "--port", str(port)],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"suara serve stopped: {(folder / 'serve.log').read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    pytest.fail(f"suara serve did not answer /healthz: {(folder / 'serve.log').read_text()}")


def stop(server: subprocess.Popen[str]) -> None:
    """Stops the server as a service manager does (SIGTERM), killing it if it lingers."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def start_update(update_id: int, chat_id: int) -> dict[str, object]:
    """Returns a /start message from a reporter."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Siti", "language_code": "id"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "from": person,
            "chat": {"id": chat_id, "first_name": "Siti", "type": "private"},
            "date": int(time.time()),
            "text": "/start",
            "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
        },
    }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_installed_wheel_migrates_checks_and_serves_a_webhook(
    suara: Path, empty: Path, database_url: str, fake: FakeBotAPI
) -> None:
    env = environment(
        suara,
        DATABASE_URL=database_url,
        ENCRYPTION_KEYS=",".join(TEST_KEYS),
        ENCRYPTION_ADDRESS_KEY=TEST_ADDRESS_KEY,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_WEBHOOK_URL=WEBHOOK,
        ESCALATION_DISPATCH="false",
    )
    migrated = run(suara, empty, env, "migrate")
    assert migrated.returncode == 0, migrated.stderr

    before = run(suara, empty, env, "check")
    assert before.returncode == 1
    failed = [line for line in before.stdout.splitlines() if line.startswith("FAIL")]
    assert failed[0].startswith("FAIL  help numbers: ")  # the packaged numbers are unverified
    assert failed[1].startswith("FAIL  telegram webhook: webhook is not set")
    assert len(failed) == 2, before.stdout
    assert "ok    migrations: at head" in before.stdout
    assert f"ok    offices file: {packaged(suara, 'offices.toml')}: 9 offices" in before.stdout

    verified = empty / "help.toml"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    text = packaged(suara, "help_contacts.toml").read_text(encoding="utf-8")
    verified.write_text(text.replace('last_verified = ""', f'last_verified = "{today}"', 1))
    env["HELP_CONTACTS_FILE"] = str(verified)
    assert run(suara, empty, env, "telegram-webhook", "set").returncode == 0
    assert fake.webhook["url"] == WEBHOOK
    after = run(suara, empty, env, "check")
    assert after.returncode == 0, after.stdout

    port = free_port()
    server = serving(suara, empty, env, port)
    try:
        answered = httpx.post(
            f"http://127.0.0.1:{port}/webhooks/telegram",
            content=json.dumps(start_update(770001, 880001)),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
            timeout=10,
        )
        assert answered.status_code == 200
        engine = db.make_engine(database_url)
        try:
            with db.session(engine) as session:
                rows = session.exec(select(InboundUpdate)).all()
        finally:
            engine.dispose()
        assert [(row.channel, row.external_id) for row in rows] == [("telegram", "770001")]
        deadline = time.monotonic() + START_SECONDS
        while not fake.sent(880001) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fake.sent(880001), "the worker of the installed server sent no reply"
    finally:
        stop(server)
    log = (empty / "serve.log").read_text()
    assert f"data directory {empty / 'var'}" in log
    assert "Traceback" not in log
    assert sorted(p.name for p in empty.iterdir()) == ["help.toml", "serve.log", "var"]


def test_the_installed_server_states_its_data_dir_and_refuses_a_broken_setting(
    suara: Path, empty: Path
) -> None:
    env = environment(suara, ENCRYPTION_ALLOW_KEY_FILE="true")
    port = free_port()
    stop(serving(suara, empty, env, port))
    log = (empty / "serve.log").read_text()
    assert f"data directory {empty / 'var'}" in log
    assert (empty / "var" / "suara.db").exists()
    assert "Traceback" not in log

    broken = run(suara, empty, {**env, "TELEGRAM_MAX_CONNECTIONS": "500"}, "serve")
    assert broken.returncode == 2
    assert broken.stderr.splitlines() == [
        "suara: TELEGRAM_MAX_CONNECTIONS: Input should be less than or equal to 100"
    ]
    missing = run(suara, empty, {**env, "HELP_CONTACTS_FILE": "help.toml"}, "serve")
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == (
        f"suara: HELP_CONTACTS_FILE ({empty / 'help.toml'}): No such file or directory"
    )
    assert "Traceback" not in missing.stderr
