"""cli.py: ``python -m interfax_soap`` admin commands, run as a user would, in subprocesses."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import argon2
import pytest
import requests
from lxml import etree

from interfax_soap import cli
from interfax_soap.engine.records import UserRecord
from interfax_soap.store import migrate
from interfax_soap.store.db import Database
from interfax_soap.store.unit import UnitOfWork
from tests.conftest import RunningServer
from tests.soap_helpers import NS, call

Result = subprocess.CompletedProcess[str]


@functools.cache
def _argon2(password: str) -> str:
    return argon2.PasswordHasher().hash(password)


class Admin:
    """Runs admin commands on one data folder (or database URL) with a clean environment."""

    def __init__(self, workdir: Path, template: Path | None = None, **env: str) -> None:
        self.workdir = workdir
        self.template = template
        self.data_dir = workdir / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INTERFAX_SOAP_")}
        self.env["INTERFAX_SOAP_DATA_DIR"] = str(self.data_dir)
        self.env.update(env)

    def _command(self, args: Sequence[str]) -> list[str]:
        return [sys.executable, "-m", "interfax_soap", *args]

    def run(self, *args: str, stdin: str | None = None) -> Result:
        return subprocess.run(
            self._command(args),
            env=self.env,
            cwd=self.workdir,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"{args}: {result.stderr}"
        assert "Traceback" not in result.stderr
        return result.stdout

    def run_together(self, commands: Sequence[Sequence[str]]) -> list[Result]:
        """Independent commands, started at once (each one reads only)."""
        processes = [
            subprocess.Popen(
                self._command(args),
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in commands
        ]
        results = []
        for args, process in zip(commands, processes, strict=True):
            out, err = process.communicate(timeout=60)
            results.append(subprocess.CompletedProcess(list(args), process.returncode, out, err))
        return results

    def users(self) -> dict[str, list[str]]:
        """``user list``: username -> its tab-separated columns."""
        lines = self.ok("user", "list").splitlines()
        return {line.split("\t")[1]: line.split("\t") for line in lines}

    def stored_user(self, username: str) -> UserRecord:
        database = Database(f"sqlite:///{self.data_dir / 'interfax.db'}", None)
        try:
            user = database.transaction_sync("t", lambda uow: uow.accounts.user_by_name(username))
        finally:
            database.engine.dispose()
        assert user is not None
        return user

    def seed(self, *usernames: str, account: tuple[str, ...] = ()) -> None:
        """Creates users (password ``pw-NAME``) and an account (name, primary, members...)
        in-process: faster than commands, for tests about something else."""
        now = dt.datetime.now(dt.UTC)

        def txn(uow: UnitOfWork) -> None:
            for username in usernames:
                uow.accounts.add_user(username, _argon2(f"pw-{username}"), now)
            if account:
                name, primary, *members = account
                uow.accounts.add_account(name, uow.accounts.user_by_name(primary).user_id, now)
                account_id = uow.accounts.account_id_by_name(name)
                for member in members:
                    member_id = uow.accounts.user_by_name(member).user_id
                    uow.accounts.update_user(member_id, account_id=account_id)

        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "interfax.db"
        if self.template is not None and not path.exists():
            shutil.copyfile(self.template, path)
        database = Database(f"sqlite:///{path}", None)
        try:
            migrate.upgrade(database.engine)
            database.transaction_sync("seed", txn)
        finally:
            database.engine.dispose()

    def password_is(self, username: str, password: str) -> bool:
        try:
            return argon2.PasswordHasher().verify(
                self.stored_user(username).password_hash, password
            )
        except argon2.exceptions.VerificationError:
            return False


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.returncode != 0, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("interfax-soap: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at head, copied by seed() instead of migrating each time."""
    path = tmp_path_factory.mktemp("cli") / "template.db"
    database = Database(f"sqlite:///{path}", None)
    migrate.upgrade(database.engine)
    database.engine.dispose()
    return path


@pytest.fixture
def admin(tmp_path: Path, migrated: Path) -> Admin:
    return Admin(tmp_path, migrated)


@pytest.fixture
def alice(admin: Admin) -> Admin:
    """A data folder with the user alice (password ``pw-alice``)."""
    admin.seed("alice")
    return admin


def test_user_add_with_a_password_then_user_list_shows_it(admin: Admin) -> None:
    out = admin.ok("user", "add", "alice", "--password", "pw-alice")

    assert out.strip() == "user alice added (id 1)"
    assert admin.users()["alice"] == ["1", "alice", "-", "-", "retries=3"]
    assert admin.password_is("alice", "pw-alice")
    assert (admin.data_dir / "interfax.db").exists()


def test_user_add_reads_the_password_file_without_its_newline(admin: Admin) -> None:
    secret = admin.workdir / "secret.txt"
    secret.write_text("pw from file\n", encoding="utf-8")

    out = admin.ok("user", "add", "alice", "--password-file", str(secret))

    assert "alice added" in out
    assert admin.password_is("alice", "pw from file")


def test_user_add_with_an_unreadable_password_file_exits_1(admin: Admin) -> None:
    missing = str(admin.workdir / "missing.txt")

    assert_one_line_error(admin.run("user", "add", "alice", "--password-file", missing), missing)


def test_user_add_without_a_password_and_no_terminal_exits_1_with_one_line(admin: Admin) -> None:
    result = admin.run("user", "add", "alice")

    assert_one_line_error(result, "--password")
    assert result.stdout == ""
    assert not (admin.data_dir / "interfax.db").exists()  # nothing done


def test_user_add_does_not_read_the_password_from_a_pipe(admin: Admin) -> None:
    # Piped input is not a terminal: no prompt, no password taken from it.
    assert_one_line_error(admin.run("user", "add", "alice", stdin="pw\npw\n"), "--password")


def test_user_passwd_changes_the_password(alice: Admin) -> None:
    out = alice.ok("user", "passwd", "alice", "--password", "pw-new")

    assert out.strip() == "password of alice changed"
    assert alice.password_is("alice", "pw-new")
    assert not alice.password_is("alice", "pw-alice")


def test_user_set_changes_time_zone_retries_and_csid(alice: Admin) -> None:
    out = alice.ok(
        "user", "set", "alice", "--timezone", "Asia/Tokyo", "--retries", "5", "--csid", "ACME FAX"
    )

    assert out.strip() == "user alice updated: csid, default_retries, timezone"
    assert alice.users()["alice"] == ["1", "alice", "-", "Asia/Tokyo", "retries=5"]
    stored = alice.stored_user("alice")
    assert (stored.timezone, stored.default_retries, stored.csid) == ("Asia/Tokyo", 5, "ACME FAX")
    alice.ok("user", "set", "alice", "--disabled", "--timezone", "")
    stored = alice.stored_user("alice")
    assert (stored.disabled, stored.timezone, stored.default_retries) == (True, None, 5)


def test_accounts_have_a_primary_user_and_more_users(alice: Admin) -> None:
    alice.seed("bob", "carol")

    out = alice.ok("account", "add", "acme", "--primary", "alice")
    assert out.strip() == "account acme added with primary user alice"
    out = alice.ok("account", "add-user", "acme", "bob")
    assert out.strip() == "user bob added to account acme"

    users = alice.users()
    assert users["alice"][2] == "acme (primary)"
    assert users["bob"][2] == "acme"
    assert users["carol"][2] == "-"


def test_errors_exit_non_zero_with_one_line_and_no_traceback(alice: Admin) -> None:
    alice.seed("bob", account=("acme", "alice", "bob"))
    alice.seed("carol")
    cases = [
        (["user", "add", "alice", "--password", "x"], ["alice"]),  # duplicate user
        (["user", "passwd", "nobody", "--password", "x"], ["nobody"]),  # unknown user
        (["account", "add-user", "acme", "alice"], ["alice", "acme"]),  # already in one
    ]

    results = alice.run_together([args for args, _ in cases])

    for (args, fragments), result in zip(cases, results, strict=True):
        assert_one_line_error(result, *fragments)
        assert result.stdout == "", args
    assert alice.stored_user("alice").account_name == "acme"
    assert alice.stored_user("carol").account_name is None
    assert alice.password_is("alice", "pw-alice")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["user", "set", "nobody", "--csid", "X"], ["nobody"]),
        (["user", "set", "alice", "--timezone", "Mars/Olympus"], ["Mars/Olympus"]),
        (["user", "set", "alice", "--retries", "11"], ["--retries"]),
        (["user", "set", "alice"], ["nothing to set"]),
        (["user", "add", "dave", "--password", ""], ["password"]),
        (["account", "add", "other", "--primary", "nobody"], ["nobody"]),
        (["account", "add", "other", "--primary", "bob"], ["bob", "acme"]),
        (["account", "add", "acme", "--primary", "carol"], ["acme", "exists"]),
        (["account", "add-user", "nope", "carol"], ["nope"]),
        (["account", "add-user", "acme", "nobody"], ["nobody"]),
    ],
)
def test_more_errors_give_one_line_and_change_nothing(
    admin: Admin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    fragments: list[str],
) -> None:
    # The same main() as above, in this process: the process boundary is covered above.
    admin.seed("alice", "bob", "carol", account=("acme", "alice", "bob"))
    for name in [n for n in os.environ if n.startswith("INTERFAX_SOAP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("INTERFAX_SOAP_DATA_DIR", str(admin.data_dir))
    monkeypatch.chdir(admin.workdir)
    before = {u: admin.stored_user(u) for u in ("alice", "bob", "carol")}

    code = cli.main(args)

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert_one_line_error(subprocess.CompletedProcess(args, code, "", captured.err), *fragments)
    assert {u: admin.stored_user(u) for u in ("alice", "bob", "carol")} == before


def test_db_upgrade_prints_the_revision(admin: Admin) -> None:
    head = migrate.head_revision()

    assert admin.ok("db", "upgrade").strip() == f"database at revision {head} (was None)"
    assert admin.ok("db", "upgrade").strip() == f"database at revision {head}"


def test_wsdl_write_writes_dfs_wsdl(admin: Admin) -> None:
    target = admin.workdir / "out" / "wsdl"

    out = admin.ok("wsdl", "write", str(target))

    path = target / "dfs.wsdl"
    assert f"wrote {path}" in out.splitlines()
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{http://schemas.xmlsoap.org/wsdl/}definitions"
    assert root.get("targetNamespace") == NS
    assert "http://127.0.0.1:8080/dfs.asmx" in path.read_text(encoding="utf-8")


def test_a_bad_setting_exits_1_naming_the_key(admin: Admin) -> None:
    admin.env["INTERFAX_SOAP_SERVER__PROT"] = "1"

    assert_one_line_error(admin.run("user", "list"), "server.prot", "environment")


def fax_status_code(server: RunningServer, session: requests.Session, user: str, pw: str) -> int:
    answer = call(
        session,
        server.dfs,
        "FaxStatus",
        Username=user,
        Password=pw,
        LastTransactionID=999999999,
        MaxItems=10,
        TotalCount=0,
        ListSize=0,
        ResultCode=0,
    )
    return int(answer.findtext(f"{{{NS}}}ResultCode"))


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


def test_admin_commands_work_while_the_server_runs(
    server: RunningServer, session: requests.Session
) -> None:
    assert fax_status_code(server, session, "alice", "pw-alice") == -1003

    server.cli("user", "add", "alice", "--password", "pw-alice")
    assert fax_status_code(server, session, "alice", "pw-alice") == 0

    server.cli("user", "set", "alice", "--timezone", "Asia/Tokyo", "--retries", "5")
    server.cli("account", "add", "acme", "--primary", "alice")
    server.cli("user", "passwd", "alice", "--password", "pw-changed")
    assert fax_status_code(server, session, "alice", "pw-alice") == -1003  # not cached
    assert fax_status_code(server, session, "alice", "pw-changed") == 0

    listed = server.cli("user", "list").stdout
    assert "\talice\tacme (primary)\tAsia/Tokyo\tretries=5" in listed
    assert server.process.poll() is None


def test_user_add_and_list_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    admin = Admin(tmp_path, INTERFAX_SOAP_DATABASE_URL=pg_url)

    out = admin.ok("user", "add", "alice", "--password", "pw-alice")

    assert "alice added" in out
    assert admin.users()["alice"][1:] == ["alice", "-", "-", "retries=3"]
    assert not (admin.data_dir / "interfax.db").exists()  # the data folder holds no SQLite
