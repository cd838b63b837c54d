"""The one command: ``interfax-soap serve | worker | user | account | db | wsdl``."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path
from typing import Any

from interfax_soap.config import ConfigError, Settings, load_settings

__all__ = ["main"]


class CommandError(Exception):
    """A command that cannot be done; printed as one line, exit status 1."""


def _password(args: argparse.Namespace) -> str:
    if getattr(args, "password", None) is not None:
        return str(args.password)
    if getattr(args, "password_file", None):
        try:
            return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CommandError(f"cannot read {args.password_file}: {exc.strerror}") from exc
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise CommandError("the passwords differ")
        return first
    raise CommandError("give --password, --password-file, or run on a terminal to be asked")


def _admin(settings: Settings) -> Any:
    """Database and accounts for administration commands (no reactor running)."""
    from twisted.internet import reactor

    from interfax_soap.app import open_database, security_policy
    from interfax_soap.engine.accounts import Accounts

    database = open_database(settings, reactor)
    return database, Accounts(database, reactor, security_policy(settings))


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.server import run_server

    return run_server(settings, with_worker=not args.no_worker)


def _cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.server import run_worker

    return run_worker(settings)


def _cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.engine.accounts import AdminError
    from interfax_soap.store.accounts import DuplicateName

    # Ask for the secret first: a missing password must not create or migrate a database.
    password = _password(args) if args.action in ("add", "passwd") else ""
    database, accounts = _admin(settings)
    try:
        if args.action == "add":
            user = accounts.add_user_sync(args.username, password)
            print(f"user {user.username} added (id {user.user_id})")
        elif args.action == "passwd":
            accounts.set_password_sync(args.username, password)
            print(f"password of {args.username} changed")
        elif args.action == "list":
            users = database.transaction_sync("list_users", lambda uow: uow.accounts.list_users())
            for user in users:
                primary = " (primary)" if user.is_primary else ""
                print(
                    f"{user.user_id}\t{user.username}\t{user.account_name or '-'}{primary}\t"
                    f"{user.timezone or '-'}\tretries={user.default_retries}"
                    f"{chr(9) + 'disabled' if user.disabled else ''}"
                )
        elif args.action == "set":
            changes: dict[str, Any] = {}
            if args.timezone is not None:
                changes["timezone"] = args.timezone or None
            if args.retries is not None:
                if not 1 <= args.retries <= 10:
                    raise CommandError("--retries takes 1 to 10")
                changes["default_retries"] = args.retries
            if args.csid is not None:
                changes["csid"] = args.csid[:20]
            if args.reply_address is not None:
                changes["reply_address"] = args.reply_address
            if args.disabled is not None:
                changes["disabled"] = args.disabled
            if not changes:
                raise CommandError("nothing to set")
            accounts.set_user_sync(args.username, **changes)
            print(f"user {args.username} updated: {', '.join(sorted(changes))}")
    except (AdminError, DuplicateName) as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _cmd_account(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.engine.accounts import AdminError
    from interfax_soap.store.accounts import DuplicateName

    database, accounts = _admin(settings)
    try:
        if args.action == "add":
            accounts.add_account_sync(args.name, args.primary)
            print(f"account {args.name} added with primary user {args.primary}")
        else:
            accounts.add_account_user_sync(args.name, args.username)
            print(f"user {args.username} added to account {args.name}")
    except (AdminError, DuplicateName) as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.app import open_database
    from interfax_soap.store import migrate

    database = open_database(settings, None, upgrade=False)
    before, after = migrate.upgrade(database.engine)
    database.stop()
    print(f"database at revision {after}" + (f" (was {before})" if before != after else ""))
    return 0


def _cmd_wsdl(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.wsdl_files import write_wsdl_files

    for path in write_wsdl_files(Path(args.directory)):
        print(f"wrote {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="settings file (TOML)")
    parser = argparse.ArgumentParser(prog="interfax-soap", parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="run the server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-worker", action="store_true", help="no in-process fax worker")
    serve.set_defaults(func=_cmd_serve)

    worker = commands.add_parser("worker", parents=[common], help="run only the fax worker")
    worker.set_defaults(func=_cmd_worker)

    def secret(p: argparse.ArgumentParser) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--password")
        group.add_argument("--password-file")

    user = commands.add_parser("user", parents=[common], help="manage users")
    user_actions = user.add_subparsers(dest="action", required=True)
    add = user_actions.add_parser("add", parents=[common])
    add.add_argument("username")
    secret(add)
    passwd = user_actions.add_parser("passwd", parents=[common])
    passwd.add_argument("username")
    secret(passwd)
    user_actions.add_parser("list", parents=[common])
    setter = user_actions.add_parser("set", parents=[common])
    setter.add_argument("username")
    setter.add_argument("--timezone", help="IANA zone, e.g. Asia/Tokyo; empty = server default")
    setter.add_argument("--retries", type=int, help="default calls per fax (RetriesToPerform 0)")
    setter.add_argument("--csid")
    setter.add_argument("--reply-address")
    setter.add_argument("--disabled", dest="disabled", action="store_true", default=None)
    setter.add_argument("--enabled", dest="disabled", action="store_false")
    user.set_defaults(func=_cmd_user)

    account = commands.add_parser("account", parents=[common], help="manage accounts")
    account_actions = account.add_subparsers(dest="action", required=True)
    account_add = account_actions.add_parser("add", parents=[common])
    account_add.add_argument("name")
    account_add.add_argument("--primary", required=True, help="the account's primary user")
    account_user = account_actions.add_parser("add-user", parents=[common])
    account_user.add_argument("name")
    account_user.add_argument("username")
    account.set_defaults(func=_cmd_account)

    database = commands.add_parser("db", parents=[common], help="database")
    database_actions = database.add_subparsers(dest="action", required=True)
    database_actions.add_parser("upgrade", parents=[common])
    database.set_defaults(func=_cmd_db)

    wsdl = commands.add_parser("wsdl", parents=[common], help="WSDL files")
    wsdl_actions = wsdl.add_subparsers(dest="action", required=True)
    wsdl_write = wsdl_actions.add_parser("write", parents=[common])
    wsdl_write.add_argument("directory")
    wsdl.set_defaults(func=_cmd_wsdl)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("alembic", "spyne"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    overrides: dict[str, dict[str, Any]] = {}
    if getattr(args, "host", None):
        overrides.setdefault("server", {})["host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides.setdefault("server", {})["port"] = args.port
    try:
        settings = load_settings(getattr(args, "config", None), overrides=overrides)
        return int(args.func(settings, args))
    except (ConfigError, CommandError) as exc:
        print(f"interfax-soap: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the one-line reason; details are in the log above
        logging.getLogger("interfax_soap").debug("command failed", exc_info=True)
        print(f"interfax-soap: {exc.__class__.__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
