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

    from interfax_soap.bootstrap import open_database, security_policy
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

    if args.action == "add-sender":
        return _add_sender(settings, args)
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
            if args.inbound_format is not None:
                changes["inbound_format"] = args.inbound_format.upper()
            if args.notify is not None:
                changes["notify_format"] = args.notify
            if args.callback_url is not None:
                changes["callback_url"] = args.callback_url
            changes.update(_page_defaults(args))
            if not changes:
                raise CommandError("nothing to set")
            accounts.set_user_sync(args.username, **changes)
            print(f"user {args.username} updated: {', '.join(sorted(changes))}")
    except (AdminError, DuplicateName) as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _add_sender(settings: Settings, args: argparse.Namespace) -> int:
    from twisted.internet import reactor

    from interfax_soap.engine.accounts import AdminError
    from interfax_soap.engine.mailgateway import GatewayPolicy, MailGateway

    database, accounts = _admin(settings)
    gateway = MailGateway(database, None, accounts, None, reactor, GatewayPolicy())  # type: ignore[arg-type]
    try:
        address = gateway.add_sender_sync(args.username, args.address)
        print(f"{address} may now fax by e-mail as {args.username}")
    except AdminError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _inbound_admin(settings: Settings) -> Any:
    from twisted.internet import reactor

    from interfax_soap.engine.inbound import Inbound, InboundPolicy

    database, accounts = _admin(settings)
    policy = InboundPolicy(default_country=settings.numbers.default_country)
    return database, Inbound(database, None, accounts, reactor, None, policy)  # type: ignore[arg-type]


def _cmd_number(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.engine.accounts import AdminError

    database, inbound = _inbound_admin(settings)
    try:
        if args.action == "add":
            fmt = args.format.upper() if args.format else None
            canonical = inbound.add_number_sync(args.number, args.user, tuple(args.forward), fmt)
            print(f"number {canonical} added for {args.user}"
                  + (f", forwarded to {', '.join(args.forward)}" if args.forward else ""))
        elif args.action == "remove":
            print(f"number {inbound.remove_number_sync(args.number)} removed")
        else:
            for record in inbound.numbers_sync():
                print(f"{record.number}\t{record.username}\t{record.attachment_format or '-'}\t"
                      f"{', '.join(record.forward_addresses) or '-'}")
    except AdminError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _cmd_receive(settings: Settings, args: argparse.Namespace) -> int:
    """Stores a received fax through the same engine function as every other way in."""
    from twisted.internet import defer, reactor
    from twisted.python.failure import Failure

    from interfax_soap.app import build_inbound, build_renderer, open_database, security_policy
    from interfax_soap.engine.accounts import Accounts
    from interfax_soap.engine.codes import ResultCode
    from interfax_soap.store.blobs import make_blob_store

    try:
        image = Path(args.file).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from exc
    database = open_database(settings, reactor)
    database.start()
    blobs = make_blob_store(settings.server.blob_store, settings.data_path, database.sessions)
    accounts = Accounts(database, reactor, security_policy(settings))
    renderer = build_renderer(settings, reactor)
    inbound = build_inbound(settings, reactor, database, blobs, accounts, renderer, None)
    outcome: list[Any] = []

    def run() -> None:
        work = inbound.receive(args.to, image, args.caller_id, args.csid)
        done = defer.Deferred.fromCoroutine(work)
        done.addBoth(outcome.append)
        done.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(run)
    reactor.run()
    received = outcome[0]
    if isinstance(received, Failure):
        raise CommandError(received.getErrorMessage())
    if received.code != ResultCode.OK:
        raise CommandError(f"not received ({int(received.code)}): {received.reason}")
    print(f"message {received.message_id} received on {args.to}")
    return 0


def _cmd_account(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.engine.accounts import AdminError
    from interfax_soap.store.accounts import DuplicateName

    if args.action == "set":
        return _set_account_billing(settings, args)
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


def _billing_admin(settings: Settings) -> Any:
    from twisted.internet import reactor

    from interfax_soap.app import build_billing, open_database

    database = open_database(settings, reactor)
    return database, build_billing(settings, reactor, database)


def _set_account_billing(settings: Settings, args: argparse.Namespace) -> int:
    """``account set NAME [--prepaid | --postpaid] [--currency C] [--date-format F]
    [--account-type T]``: the account's billing settings (empty text = the server default)."""
    from interfax_soap.engine.accounts import AdminError

    changes = {
        key: value
        for key, value in (
            ("billing", args.billing),
            ("currency_code", args.currency),
            ("date_format", args.date_format),
            ("account_type", args.account_type),
        )
        if value is not None
    }
    if not changes:
        raise CommandError("nothing to set")
    if len(changes.get("currency_code", "")) > 8 or len(changes.get("date_format", "")) > 32:
        raise CommandError("--currency takes up to 8 characters, --date-format up to 32")
    if len(changes.get("account_type", "")) > 32:
        raise CommandError("--account-type takes up to 32 characters")
    database, billing = _billing_admin(settings)
    try:
        account = billing.set_account_sync(args.name, **changes)
    except AdminError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    print(f"account {account.name} updated: {', '.join(sorted(changes))} ({account.billing})")
    return 0


def _admin_date(text: str | None, settings: Settings, option: str) -> Any:
    """A date or date and time for ``card add``; without an offset in the server's default
    time zone."""
    import datetime as dt

    from interfax_soap.engine.clock import zone

    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise CommandError(f"{option}: {text!r} is not a date (e.g. 2025-04-01)") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(settings.server.default_timezone))
    return value.astimezone(dt.UTC)


def _admin_amount(text: str, option: str) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise CommandError(f"{option}: {text!r} is not an amount") from exc
    if not value.is_finite() or value < 0 or value >= 10**8:
        raise CommandError(f"{option}: {text!r} must be 0 or more (and under 100000000)")
    return value


def _cmd_card(settings: Settings, args: argparse.Namespace) -> int:
    """``card add ACCOUNT --face-value V [--bonus B] [--issue-date D] [--close-date D]`` and
    ``card list ACCOUNT``: prepaid cards."""
    from interfax_soap.engine.accounts import AdminError

    if args.action == "add":
        face_value = _admin_amount(args.face_value, "--face-value")
        bonus = _admin_amount(args.bonus, "--bonus")
        issue = _admin_date(args.issue_date, settings, "--issue-date")
        close = _admin_date(args.close_date, settings, "--close-date")
    database, billing = _billing_admin(settings)
    try:
        if args.action == "add":
            card, released = billing.add_card_sync(args.account, face_value, bonus, issue, close)
            print(
                f"card {card.card.card_id} added to account {args.account}: balance "
                f"{card.balance}, usable {card.card.issue_date:%Y-%m-%d %H:%M} to "
                f"{card.card.close_date:%Y-%m-%d %H:%M} UTC"
                + (f"; {released} faxes waiting for credit released" if released else "")
            )
        else:
            account, cards = billing.list_cards_sync(args.account)
            currency = account.currency_code or settings.billing.currency
            print(f"account {account.name}: {account.billing}, {currency}")
            for card in cards:
                print(
                    f"{card.card.card_id}\tface={card.card.face_value}\tbonus={card.card.bonus}\t"
                    f"used={card.usage}\tbalance={card.balance}\t"
                    f"{card.card.issue_date:%Y-%m-%d}..{card.card.close_date:%Y-%m-%d}"
                )
    except AdminError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        database.stop()
    return 0


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from interfax_soap.bootstrap import open_database
    from interfax_soap.store import migrate

    database = open_database(settings, None, upgrade=False)
    before, after = migrate.upgrade(database.engine)
    database.stop()
    print(f"database at revision {after}" + (f" (was {before})" if before != after else ""))
    return 0


def _page_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """``user set --header/--page-size/--orientation``: the user's page defaults."""
    changes: dict[str, Any] = {}
    if args.header is not None:
        if len(args.header) > 255:
            raise CommandError("--header takes up to 255 characters")
        changes["page_header"] = args.header
    if args.page_size is not None:
        changes["page_size"] = {"a4": "A4", "letter": "Letter", "legal": "Legal", "b4": "B4"}[
            args.page_size.lower()
        ]
    if args.orientation is not None:
        changes["page_orientation"] = args.orientation.capitalize()
    return changes


def _cmd_render(settings: Settings, args: argparse.Namespace) -> int:
    """``render FILE -o OUT.tif``: a document rendered exactly as a fax would be."""
    from interfax_soap.render.errors import RenderError
    from interfax_soap.render.tool import RenderCommand, run_render_command

    command = RenderCommand(
        source=Path(args.file), output=Path(args.output), file_type=args.type,
        page_size=args.page_size, orientation=args.orientation, fine=args.high_resolution,
        fine_rendering=args.fine_rendering, header=args.header, compression=args.compression,
        png_dir=Path(args.png) if args.png else None, charset=args.charset,
        timezone=settings.server.default_timezone,
    )
    limits = settings.limits
    try:
        lines = run_render_command(
            command, timeout_seconds=limits.render_timeout_seconds,
            memory_mb=limits.render_memory_mb, max_pages=limits.max_pages,
        )
    except (RenderError, ValueError) as exc:
        status = getattr(exc, "status", None)
        suffix = f" (status {status})" if status else ""
        raise CommandError(f"{args.file}: {exc}{suffix}") from exc
    for line in lines:
        print(line)
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
    setter.add_argument("--inbound-format", choices=("TIF", "PDF", "tif", "pdf"),
                        help="format of received faxes as downloaded and forwarded")
    setter.add_argument("--notify", choices=("none", "text", "csv"),
                        help="mail the result of each fax to its ReplyAddress")
    setter.add_argument("--callback-url", help="POST each fax's result here (empty = none)")
    setter.add_argument("--header", help="default page header (PageHeader Y or empty), e.g. "
                        "'To: {To} From: {From} {Date} {Time} Page {Page}/{TotalPages}'; "
                        "empty = none")
    setter.add_argument("--page-size", choices=("A4", "Letter", "Legal", "B4", "a4", "letter",
                                                 "legal", "b4"), help="default page size")
    setter.add_argument("--orientation", choices=("Portrait", "Landscape", "portrait",
                                                   "landscape"), help="default orientation")
    add_sender = user_actions.add_parser("add-sender", parents=[common],
                                         help="allow an envelope sender to fax by e-mail")
    add_sender.add_argument("username")
    add_sender.add_argument("address")
    user.set_defaults(func=_cmd_user)

    number = commands.add_parser("number", parents=[common], help="inbound fax numbers")
    number_actions = number.add_subparsers(dest="action", required=True)
    number_add = number_actions.add_parser("add", parents=[common])
    number_add.add_argument("number")
    number_add.add_argument("--user", required=True, help="the user receiving its faxes")
    number_add.add_argument("--forward", action="append", default=[], metavar="ADDRESS",
                            help="forward received faxes to this e-mail address (up to 25)")
    number_add.add_argument("--format", choices=("TIF", "PDF", "tif", "pdf"),
                            help="attachment format of forwarded faxes (default: the user's)")
    number_actions.add_parser("list", parents=[common])
    number_remove = number_actions.add_parser("remove", parents=[common])
    number_remove.add_argument("number")
    number.set_defaults(func=_cmd_number)

    receive = commands.add_parser("receive", parents=[common],
                                  help="store a fax received elsewhere (TIFF or PDF)")
    receive.add_argument("file")
    receive.add_argument("--to", required=True, help="the number called (owned here)")
    receive.add_argument("--from", dest="caller_id", default="", help="caller ID")
    receive.add_argument("--csid", default="", help="the sender's CSID")
    receive.set_defaults(func=_cmd_receive)

    account = commands.add_parser("account", parents=[common], help="manage accounts")
    account_actions = account.add_subparsers(dest="action", required=True)
    account_add = account_actions.add_parser("add", parents=[common])
    account_add.add_argument("name")
    account_add.add_argument("--primary", required=True, help="the account's primary user")
    account_user = account_actions.add_parser("add-user", parents=[common])
    account_user.add_argument("name")
    account_user.add_argument("username")
    account_set = account_actions.add_parser("set", parents=[common],
                                             help="billing settings (GetListPP)")
    account_set.add_argument("name")
    account_set.add_argument("--prepaid", dest="billing", action="store_const", const="prepaid",
                             help="faxes are paid from the account's prepaid cards")
    account_set.add_argument("--postpaid", dest="billing", action="store_const",
                             const="postpaid", help="faxes are never blocked (the default)")
    account_set.add_argument("--currency", help="CurrencyCode; empty = [billing] currency")
    account_set.add_argument("--date-format", help="DateFormat; empty = [billing] date_format")
    account_set.add_argument("--account-type", help="AccountType; empty = Prepaid/Postpaid")
    account.set_defaults(func=_cmd_account)

    card = commands.add_parser("card", parents=[common], help="prepaid cards of an account")
    card_actions = card.add_subparsers(dest="action", required=True)
    card_add = card_actions.add_parser("add", parents=[common])
    card_add.add_argument("account")
    card_add.add_argument("--face-value", required=True, help="amount, e.g. 50.00")
    card_add.add_argument("--bonus", default="0", help="extra credit (default 0)")
    card_add.add_argument("--issue-date", help="usable from (default now)")
    card_add.add_argument("--close-date", help="usable until (default a year after issue)")
    card_list = card_actions.add_parser("list", parents=[common])
    card_list.add_argument("account")
    card.set_defaults(func=_cmd_card)

    database = commands.add_parser("db", parents=[common], help="database")
    database_actions = database.add_subparsers(dest="action", required=True)
    database_actions.add_parser("upgrade", parents=[common])
    database.set_defaults(func=_cmd_db)

    wsdl = commands.add_parser("wsdl", parents=[common], help="WSDL files")
    wsdl_actions = wsdl.add_subparsers(dest="action", required=True)
    wsdl_write = wsdl_actions.add_parser("write", parents=[common])
    wsdl_write.add_argument("directory")
    wsdl.set_defaults(func=_cmd_wsdl)

    render = commands.add_parser("render", parents=[common],
                                 help="render a document to a fax TIFF as a fax would be")
    render.add_argument("file")
    render.add_argument("-o", "--output", required=True, help="the fax TIFF to write")
    render.add_argument("--type", help="FileType (default: from the file name)")
    render.add_argument("--page-size", default="A4", help="A4, Letter, Legal or B4")
    render.add_argument("--orientation", default="Portrait", help="Portrait or Landscape")
    render.add_argument("--high-resolution", action="store_true", help="fine: 204x196 dpi")
    render.add_argument("--fine-rendering", action="store_true",
                        help="dither greys and photos (IsFineRendering)")
    render.add_argument("--header", help="page header template, e.g. 'Page {Page}/{TotalPages}'")
    render.add_argument("--compression", default="group3", choices=("group3", "group4"))
    render.add_argument("--charset", help="declared text encoding (TXT, HTML)")
    render.add_argument("--png", metavar="DIR", help="also write each page as a PNG here")
    render.set_defaults(func=_cmd_render)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Servers log what they do; administration commands print their one line and stay quiet.
    daemon = args.command in ("serve", "worker")
    logging.basicConfig(
        level=logging.INFO if daemon else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
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
