"""A node on an https URL never prints codes, numbers or links to its terminal: the console
backends are refused at start-up, and ``entraide init`` asks for real ones."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.settings import SettingsError, load_settings
from tests.migrated import seed_data_dir


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    seed_data_dir(tmp_path / "data")  # ``init`` migrates it: already done (tests.migrated)
    for name in ("ENTRAIDE_CONFIG", "ENTRAIDE_SMS_BACKEND", "ENTRAIDE_MAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)


def test_https_node_with_the_console_sms_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(base_url="https://entraide.example.org", mail_backend="smtp://mail:25")
    message = str(error.value)
    assert "ENTRAIDE_SMS_BACKEND" in message and "\n" not in message
    assert "MAIL" not in message


def test_https_node_with_the_console_mail_backend_is_refused() -> None:
    with pytest.raises(SettingsError, match="ENTRAIDE_MAIL_BACKEND"):
        load_settings(base_url="https://entraide.example.org", sms_backend="https://sms.example/")


def test_http_node_keeps_the_console_backends_for_trying_it_out() -> None:
    settings = load_settings(base_url="http://127.0.0.1:8000")
    assert settings.sms_backend == settings.mail_backend == "console"


def test_https_node_with_real_backends_starts() -> None:
    settings = load_settings(
        base_url="https://entraide.example.org",
        sms_backend="https://user:pw@sms.example/send",
        mail_backend="smtp://mail.example:587?starttls=1",
    )
    assert settings.secure_cookies


def test_serve_refuses_to_start_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTRAIDE_BASE_URL", "https://entraide.example.org")
    result = CliRunner().invoke(main, ["serve", "--no-migrate"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "ENTRAIDE_SMS_BACKEND" in lines[0]


def test_init_asks_an_https_node_for_real_backends(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["init", "--base-url", "https://entraide.example.org"],
        input="console\nhttps://sms.example/send\nsmtp://mail.example:587?starttls=1\n",
    )
    assert result.exit_code == 0, result.output
    assert "real backend" in result.output  # "console" was refused, then asked again
    written = tomllib.loads((tmp_path / "entraide.toml").read_text())
    assert written["sms_backend"] == "https://sms.example/send"
    assert written["mail_backend"] == "smtp://mail.example:587?starttls=1"


def test_init_refuses_an_unknown_backend_before_writing(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            *("init", "--base-url", "https://entraide.example.org"),
            *("--sms-backend", "carrier-pigeon", "--mail-backend", "smtp://mail.example"),
        ],
    )
    assert result.exit_code == 2
    assert "ENTRAIDE_SMS_BACKEND" in result.output
    assert not (tmp_path / "entraide.toml").exists()


def test_init_of_a_local_node_asks_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", "--base-url", "http://127.0.0.1:8000"])
    assert result.exit_code == 0, result.output
    assert "sms_backend" not in (tmp_path / "entraide.toml").read_text()
