"""config.py: default < TOML file < environment < flags; errors name the key path and source."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from interfax_soap import cli
from interfax_soap.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ./interfax-soap.toml is read when it exists: never pick up one from the repository.
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("INTERFAX_SOAP_"):
            monkeypatch.delenv(name)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings(environ={})

    assert settings == Settings()
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8080)
    assert settings.server.default_timezone == "UTC"
    assert settings.server.trusted_proxies == ()
    assert settings.server.http_get_binding is True
    assert settings.security.credential_cache_seconds == 300
    assert (settings.security.lockout_failures, settings.security.lockout_minutes) == (10, 60)
    assert settings.security.status_polls_per_minute == 0
    assert settings.limits.max_request_mb == 30
    assert (settings.limits.outbound_retention_days, settings.limits.inbound_retention_days) == (
        14,
        90,
    )
    assert settings.numbers.default_country == ""
    assert settings.database.url == ""
    assert settings.database_url == f"sqlite:///{Path('interfax-data', 'interfax.db').resolve()}"


def test_a_toml_file_sets_typed_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "settings.toml",
        """
        [server]
        host = "0.0.0.0"
        port = 9090
        http_get_binding = false
        trusted_proxies = ["10.0.0.1", "10.0.0.2"]
        data_dir = "/srv/fax"

        [virtual_network]
        time_scale = 0
        [virtual_network.rules]
        5550142 = "fail:6017"

        [security]
        lockout_failures = 5

        [numbers]
        default_country = "JP"
        """,
    )

    settings = load_settings(path, environ={})

    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 9090)
    assert settings.server.http_get_binding is False
    assert settings.server.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.virtual_network.time_scale == 0.0
    assert isinstance(settings.virtual_network.time_scale, float)
    assert settings.virtual_network.rules == {"5550142": "fail:6017"}
    assert settings.security.lockout_failures == 5
    assert settings.security.lockout_minutes == 60  # untouched keys keep their default
    assert settings.numbers.default_country == "JP"
    assert settings.database_url == "sqlite:////srv/fax/interfax.db"


def test_the_file_comes_from_the_environment_or_the_working_folder(tmp_path: Path) -> None:
    write(tmp_path / "interfax-soap.toml", "[server]\nport = 1111\n")
    named = write(tmp_path / "named.toml", "[server]\nport = 2222\n")
    flagged = write(tmp_path / "flagged.toml", "[server]\nport = 3333\n")

    assert load_settings(environ={}).server.port == 1111
    assert load_settings(environ={"INTERFAX_SOAP_CONFIG": named}).server.port == 2222
    assert load_settings(flagged, environ={"INTERFAX_SOAP_CONFIG": named}).server.port == 3333


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[server]\nport = 9090\nhost = 'file-host'\n")

    settings = load_settings(
        path,
        environ={
            "INTERFAX_SOAP_SERVER__PORT": "7070",
            "INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0",
            "INTERFAX_SOAP_SERVER__HTTP_GET_BINDING": "off",
            "INTERFAX_SOAP_SERVER__TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
            "INTERFAX_SOAP_VIRTUAL_NETWORK__RULES": "5550142=fail:6017,5550143=ok:ACME",
            "UNRELATED__THING": "ignored",
            "INTERFAX_SOAP_TEST_PG": "ignored: no double underscore",
        },
    )

    assert settings.server.port == 7070
    assert settings.server.host == "file-host"
    assert settings.virtual_network.time_scale == 0
    assert settings.server.http_get_binding is False
    assert settings.server.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.virtual_network.rules == {"5550142": "fail:6017", "5550143": "ok:ACME"}


def test_flags_override_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[server]\nport = 9090\n")

    settings = load_settings(
        path,
        environ={"INTERFAX_SOAP_SERVER__PORT": "7070", "INTERFAX_SOAP_SERVER__HOST": "env-host"},
        overrides={"server": {"port": 0}},
    )

    assert settings.server.port == 0
    assert settings.server.host == "env-host"


def test_the_serve_flags_override_the_environment_through_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_cmd_serve", lambda settings, args: seen.append(settings) or 0)
    monkeypatch.setenv("INTERFAX_SOAP_SERVER__PORT", "7070")
    monkeypatch.setenv("INTERFAX_SOAP_SERVER__HOST", "192.0.2.1")

    assert cli.main(["serve", "--port", "0", "--host", "127.0.0.2"]) == 0
    assert cli.main(["serve"]) == 0

    assert [(s.server.host, s.server.port) for s in seen] == [
        ("127.0.0.2", 0),
        ("192.0.2.1", 7070),
    ]


def test_the_short_environment_forms(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "INTERFAX_SOAP_DATA_DIR": str(tmp_path / "data"),
            "INTERFAX_SOAP_DATABASE_URL": "postgresql://fax@db.example/fax",
        }
    )

    assert settings.server.data_dir == str(tmp_path / "data")
    assert settings.database.url == "postgresql://fax@db.example/fax"
    assert settings.database_url == "postgresql://fax@db.example/fax"
    assert (
        load_settings(environ={"INTERFAX_SOAP_DATA_DIR": str(tmp_path / "data")}).database_url
        == f"sqlite:///{tmp_path / 'data' / 'interfax.db'}"
    )


def test_the_short_form_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[server]\ndata_dir = 'from-file'\n")

    settings = load_settings(path, environ={"INTERFAX_SOAP_DATA_DIR": "from-env"})

    assert settings.server.data_dir == "from-env"


def test_settings_are_frozen() -> None:
    settings = load_settings(environ={})

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.server.port = 1  # type: ignore[misc]


def error_of(*args: Any, **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(*args, **kwargs)
    return str(raised.value)


def test_an_unknown_section_in_the_file_names_it_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[sever]\nport = 1\n")

    message = error_of(path, environ={})

    assert "sever" in message and path in message


def test_an_unknown_key_in_the_file_names_its_path_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[server]\nprot = 1\n")

    message = error_of(path, environ={})

    assert "server.prot" in message and path in message


def test_a_key_outside_any_section_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "port = 1\n")

    assert path in error_of(path, environ={})


def test_an_unknown_environment_setting_names_its_path_and_the_environment() -> None:
    message = error_of(environ={"INTERFAX_SOAP_SERVER__PROT": "1"})

    assert "server.prot" in message and "environment" in message
    message = error_of(environ={"INTERFAX_SOAP_SEVER__PORT": "1"})
    assert "sever" in message and "environment" in message


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[server]\nport = 'eighty'\n", "server.port"),
        ("[server]\nport = 80.5\n", "server.port"),
        ("[server]\nport = true\n", "server.port"),
        ("[server]\nport = 70000\n", "server.port"),
        ("[server]\nport = -1\n", "server.port"),
        ("[server]\nhttp_get_binding = 'maybe'\n", "server.http_get_binding"),
        ("[server]\nhost = 8080\n", "server.host"),
        ("[server]\nblob_store = 's3'\n", "server.blob_store"),
        ("[server]\ntrusted_proxies = 5\n", "server.trusted_proxies"),
        ("[virtual_network]\ntime_scale = -1\n", "virtual_network.time_scale"),
        ("[virtual_network]\ntime_scale = nan\n", "virtual_network.time_scale"),
        ("[virtual_network]\nrules = 5\n", "virtual_network.rules"),
        ("[worker]\nconcurrency = 0\n", "worker.concurrency"),
        ("[limits]\nmax_request_mb = 0\n", "limits.max_request_mb"),
        ("server = 5\n", "server"),
    ],
)
def test_a_bad_value_in_the_file_names_its_path_and_the_file(
    tmp_path: Path, toml: str, key: str
) -> None:
    path = write(tmp_path / "s.toml", toml)

    message = error_of(path, environ={})

    assert message.startswith(f"{key}:"), message
    assert path in message


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("INTERFAX_SOAP_SERVER__PORT", "eighty", "server.port"),
        ("INTERFAX_SOAP_SERVER__PORT", "80.5", "server.port"),
        ("INTERFAX_SOAP_SERVER__HTTP_GET_BINDING", "maybe", "server.http_get_binding"),
        ("INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE", "-1", "virtual_network.time_scale"),
        ("INTERFAX_SOAP_LIMITS__MAX_REQUEST_MB", "inf", "limits.max_request_mb"),
    ],
)
def test_a_bad_value_in_the_environment_names_its_path_and_the_environment(
    name: str, value: str, key: str
) -> None:
    message = error_of(environ={name: value})

    assert message.startswith(f"{key}:"), message
    assert "environment" in message


def test_a_bad_flag_names_the_command_line() -> None:
    message = error_of(environ={}, overrides={"server": {"port": 99999}})

    assert message.startswith("server.port:") and "command line" in message


def test_a_later_source_can_repair_a_bad_earlier_value(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "[virtual_network]\ntime_scale = -1\n")

    settings = load_settings(path, environ={"INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0"})

    assert settings.virtual_network.time_scale == 0


def test_a_missing_or_broken_file_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.toml")
    broken = write(tmp_path / "broken.toml", "[server\nport = \n")

    assert missing in error_of(missing, environ={})
    assert broken in error_of(broken, environ={})
    assert missing in error_of(environ={"INTERFAX_SOAP_CONFIG": missing})


@pytest.mark.parametrize(
    "position",
    [
        ["--config", "{file}", "db", "upgrade"],
        ["db", "--config", "{file}", "upgrade"],
        ["db", "upgrade", "--config", "{file}"],
    ],
    ids=["before", "between", "after"],
)
def test_config_is_read_before_or_after_the_subcommand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, position: list[str]
) -> None:
    path = write(tmp_path / "chosen.toml", "[server]\ndata_dir = 'chosen-data'\n")
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_cmd_db", lambda settings, args: seen.append(settings) or 0)

    assert cli.main([part.format(file=path) for part in position]) == 0

    assert [s.server.data_dir for s in seen] == ["chosen-data"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "{file}", "user", "list"],
        ["user", "list", "--config", "{file}"],
        ["serve", "--port", "0", "--config", "{file}"],
    ],
)
def test_the_parser_takes_config_anywhere(tmp_path: Path, argv: list[str]) -> None:
    args = cli._parser().parse_args([part.format(file="x.toml") for part in argv])

    assert args.config == "x.toml"


def test_a_config_error_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", "[server]\nprot = 1\n")
    monkeypatch.setattr(cli, "_cmd_db", lambda settings, args: pytest.fail("ran anyway"))

    assert cli.main(["db", "upgrade", "--config", path]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("interfax-soap: server.prot") and path in err[0]
