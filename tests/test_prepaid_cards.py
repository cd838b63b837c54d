"""Prepaid cards and cost accounting end to end over HTTP: a prepaid account runs out of credit
mid-batch (-22), a card added releases the waiting faxes, 24 hours without credit end in
205000; GetListPP / GetPPCardDetails / GetPPCardTransactions match the charges; the monthly
ZIP's CSV rows match FaxQuery.

The server runs on real time, so the 24 hours are "passed" by moving the start of a fax's wait
back in the database; the rule itself is tested on task.Clock in tests/engine/test_billing.py.
The tests share one server and build on each other, in the order written (the first one makes
the account, cards and charges the later ones report).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import zeep
from lxml import etree

from tests.conftest import RunningServer, start_server
from tests.soap_helpers import NS, call, offline_zeep_client

BOSS, CLERK, LONER, PASSWORD = "boss", "clerk", "loner", "pw-billing"
PRICES = {
    "INTERFAX_SOAP_BILLING__PRICES": "1=0.10,81=0.15",
    "INTERFAX_SOAP_BILLING__DEFAULT_PRICE": "0.20",
    "INTERFAX_SOAP_BILLING__CURRENCY": "USD",
}
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("billing") / "data", extra_env=PRICES)
    for user in (BOSS, CLERK, LONER):
        running.add_user(user, PASSWORD)
    running.cli("user", "set", CLERK, "--timezone", "Asia/Tokyo")
    running.cli("account", "add", "acme", "--primary", BOSS)
    running.cli("account", "add-user", "acme", CLERK)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: RunningServer) -> zeep.Client:
    return offline_zeep_client(server.wsdl_url)


def wait_until(predicate: Callable[[], Any], what: str, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def send_batch(client: zeep.Client, numbers: list[str], user: str = CLERK) -> int:
    data = b"one page"
    return int(client.service.SendfaxEx_2(
        Username=user, Password=PASSWORD, FaxNumbers=";".join(numbers), Contacts="",
        FilesData=data, FileTypes="TXT", FileSizes=str(len(data)),
        Postpone=dt.datetime(1980, 1, 1), RetriesToPerform=1, CSID="", PageHeader="N", JobID="",
        Subject="billing", ReplyAddress="", PageSize="A4", PageOrientation="Portrait",
        IsHighResolution=False, IsFineRendering=False,
    ))


def raw_items(server: RunningServer, verb: str, data: str, user: str = CLERK) -> dict[int, dict]:
    """FaxQuery's FaxItemEx elements as the text on the wire, by TransactionID."""
    answer = call(requests, server.dfs, "FaxQuery", Username=user, Password=PASSWORD, Verb=verb,
                  VerbData=data, MaxItems=-1, ResultCode=0)
    items = {}
    for item in answer.iter(f"{{{NS}}}FaxItemEx"):
        fields = {etree.QName(child).localname: child.text or "" for child in item}
        items[int(fields["TransactionID"])] = fields
    return items


def statuses(server: RunningServer, parent: int) -> dict[int, int]:
    return {i: int(f["Status"]) for i, f in raw_items(server, "PARENT", str(parent)).items()}


def status_counts(server: RunningServer, parent: int) -> list[int]:
    return sorted(statuses(server, parent).values())


def test_a_prepaid_account_runs_out_of_credit_mid_batch_and_the_reports_match_the_charges(
    server: RunningServer, client: zeep.Client
) -> None:
    server.cli("account", "set", "acme", "--prepaid", "--currency", "EUR",
               "--date-format", "dd/MM/yyyy")
    added = server.cli("card", "add", "acme", "--face-value", "0.25", "--bonus", "0.05")
    assert "card 1 added to account acme" in added.stdout
    numbers = [f"+1 212 555 01{n:02d}" for n in (0, 2, 3, 4, 5)]
    parent = send_batch(client, numbers)
    assert parent > 0
    # 0.30 of credit at 0.10 a Unit: three one-page faxes are sent, two wait with -22.
    wait_until(lambda: status_counts(server, parent) == [-22, -22, 0, 0, 0], "three sent")
    time.sleep(1.5)  # they stay waiting (no card, no 24 hours)
    assert status_counts(server, parent) == [-22, -22, 0, 0, 0]

    items = raw_items(server, "PARENT", str(parent))
    sent = sorted(i for i, f in items.items() if f["Status"] == "0")
    for transaction_id in sent:
        assert (items[transaction_id]["Units"], items[transaction_id]["CostPerUnit"]) == (
            "1.0000", "0.1000",
        )
    waiting = sorted(i for i, f in items.items() if f["Status"] == "-22")
    assert all(items[i]["TrialsPerformed"] == "0" for i in waiting)

    listed = call(requests, server.dfs, "GetListPP", Username=BOSS, Password=PASSWORD)
    result = listed.find(f"{{{NS}}}GetListPPResult")
    fields = {etree.QName(c).localname: c.text for c in result if len(c) == 0}
    assert fields["Valid"] == "true" and int(fields["AccountID"]) > 0
    assert (fields["CurrencyCode"], fields["DateFormat"], fields["AccountType"]) == (
        "EUR", "dd/MM/yyyy", "Prepaid",
    )
    assert fields["ResultCode"] == "0"
    (card,) = result.iter(f"{{{NS}}}PPCardDetails")
    card_text = {etree.QName(c).localname: c.text for c in card}
    assert card_text["PPCardID"] == "1" and card_text["PreviousPPCard"] == "0"
    assert (card_text["FaceValue"], card_text["Bonus"], card_text["OriginalBalance"]) == (
        "0.2500", "0.0500", "0.3000",
    )
    assert (card_text["CurrentUsage"], card_text["Balance"], card_text["PreviousCharge"]) == (
        "0.3000", "0.0000", "0.1000",
    )

    # A second card releases the two waiting faxes: one can be paid, the other waits again.
    released = server.cli("card", "add", "acme", "--face-value", "0.10")
    assert "2 faxes waiting for credit released" in released.stdout
    wait_until(lambda: status_counts(server, parent) == [-22, 0, 0, 0, 0], "the fourth sent")
    (still_waiting,) = [i for i, s in statuses(server, parent).items() if s == -22]

    cards = client.service.GetListPP(Username=CLERK, Password=PASSWORD)
    assert [c.PPCardID for c in cards.PPCardsDetails.PPCardDetails] == [1, 2]
    second = client.service.GetPPCardDetails(Username=CLERK, Password=PASSWORD, PPCardID=2)
    assert second.ResultCode == 0
    assert second.Details.PreviousPPCard == 1
    assert (second.Details.CurrentUsage, second.Details.Balance) == (Decimal("0.1"), Decimal(0))

    # The card's transactions are what it was charged, in the order of the charges.
    first_card = client.service.GetPPCardTransactions(
        Username=CLERK, Password=PASSWORD, PPCardID=1, FirstResult=0, NumOfResults=0
    )
    assert (first_card.ResultCode, first_card.TotalNumOfTransactions) == (0, 3)
    assert (first_card.Currency, first_card.LastBalance) == ("EUR", Decimal(0))
    paid = first_card.Transactions.FaxItemEx
    assert sorted(item.TransactionID for item in paid) == sent
    assert sum(item.Units * item.CostPerUnit for item in paid) == Decimal("0.3")
    page = client.service.GetPPCardTransactions(
        Username=BOSS, Password=PASSWORD, PPCardID=1, FirstResult=1, NumOfResults=1
    )
    assert (page.FirstResult, page.NumOfResults, page.TotalNumOfTransactions) == (1, 1, 3)
    assert page.Transactions.FaxItemEx[0].TransactionID == paid[1].TransactionID
    second_card = client.service.GetPPCardTransactions(
        Username=CLERK, Password=PASSWORD, PPCardID=2, FirstResult=0, NumOfResults=10
    )
    ((fourth),) = second_card.Transactions.FaxItemEx
    assert fourth.TransactionID not in sent and fourth.Status == 0
    assert fourth.Units * fourth.CostPerUnit == Decimal("0.1")

    # 24 hours without credit (the wait's start moved back a day): 205000, at no cost.
    from interfax_soap.store.db import Database

    database = Database(f"sqlite:///{server.data_dir / 'interfax.db'}", None)
    now = dt.datetime.now(dt.UTC)
    database.transaction_sync("a day passes", lambda uow: uow.jobs.update(
        still_waiting, out_of_credit_since=now - dt.timedelta(hours=24, minutes=1),
        next_attempt_at=now,
    ))
    database.engine.dispose()
    wait_until(lambda: statuses(server, parent)[still_waiting] == 205000, "205000")
    failed = raw_items(server, "EQ", str(still_waiting))[still_waiting]
    assert failed["CompletionTime"] != "0001-01-01T00:00:00" and failed["TrialsPerformed"] == "0"
    usage = [c.CurrentUsage for c in client.service.GetListPP(
        Username=CLERK, Password=PASSWORD).PPCardsDetails.PPCardDetails]
    assert usage == [Decimal("0.3"), Decimal("0.1")]


def test_the_monthly_zip_holds_a_csv_whose_rows_match_fax_query(
    server: RunningServer, client: zeep.Client
) -> None:
    wait_until(lambda: client.service.GetListPP(Username=CLERK, Password=PASSWORD).Valid,
               "the prepaid account of the first test")
    today = dt.datetime.now(TOKYO)  # the clerk's zone: months are the caller's
    answer = client.service.GetPPCardTransactionsAsByteArray(
        Username=CLERK, Password=PASSWORD, Year=today.year, Month=today.month
    )
    assert answer.ResultCode == 0
    with zipfile.ZipFile(io.BytesIO(answer.Transactions)) as archive:
        (name,) = archive.namelist()
        assert name == f"transactions-{today.year:04d}-{today.month:02d}.csv"
        text = archive.read(name).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert text.startswith("ParentTransactionID,TransactionID,SubmitTime,PostponeTime,")
    assert len(rows) == 4  # the four faxes the cards paid for (not the one that failed)
    wire = raw_items(server, "IN", ",".join(row["TransactionID"] for row in rows))
    for row in rows:
        assert row == wire[int(row["TransactionID"])]
    assert {row["CostPerUnit"] for row in rows} == {"0.1000"}
    # The submit times are the clerk's (Tokyo) wall clock, as in every response.
    submitted = dt.datetime.fromisoformat(rows[0]["SubmitTime"]).replace(tzinfo=TOKYO)
    assert abs(submitted - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)

    before = client.service.GetPPCardTransactionsAsByteArray(
        Username=CLERK, Password=PASSWORD, Year=today.year - 1, Month=today.month
    )
    with zipfile.ZipFile(io.BytesIO(before.Transactions)) as archive:
        assert archive.read(archive.namelist()[0]).decode().count("\r\n") == 1  # header only
    bad = client.service.GetPPCardTransactionsAsByteArray(
        Username=CLERK, Password=PASSWORD, Year=today.year, Month=13
    )
    assert (bad.ResultCode, bad.Transactions) == (-1030, None)
    wrong = client.service.GetPPCardTransactionsAsByteArray(
        Username=CLERK, Password="nope", Year=today.year, Month=today.month
    )
    assert wrong.ResultCode == -1003


def test_users_without_an_account_are_postpaid_and_see_no_cards(
    server: RunningServer, client: zeep.Client
) -> None:
    parent = send_batch(client, ["+81 3 5555 0100"], user=LONER)
    wait_until(lambda: raw_items(server, "EQ", str(parent), LONER)[parent]["Status"] == "0",
               "the postpaid fax")
    item = raw_items(server, "EQ", str(parent), LONER)[parent]
    assert (item["Units"], item["CostPerUnit"]) == ("1.0000", "0.1500")
    listed = client.service.GetListPP(Username=LONER, Password=PASSWORD)
    assert (listed.Valid, listed.AccountID, listed.ResultCode) == (False, 0, 0)
    assert (listed.CurrencyCode, listed.DateFormat, listed.AccountType) == (
        "USD", "MM/dd/yyyy", "Postpaid",
    )
    assert not listed.PPCardsDetails
    # Another account's card does not exist for this user; the struct is still written.
    details = call(requests, server.dfs, "GetPPCardDetails", Username=LONER, Password=PASSWORD,
                   PPCardID=1)
    result = details.find(f"{{{NS}}}GetPPCardDetailsResult")
    assert result.findtext(f"{{{NS}}}ResultCode") == "-3007"
    assert result.find(f"{{{NS}}}Details").findtext(f"{{{NS}}}IssueDate") == "0001-01-01T00:00:00"
    assert client.service.GetPPCardTransactions(
        Username=LONER, Password=PASSWORD, PPCardID=1, FirstResult=0, NumOfResults=0
    ).ResultCode == -3007
    assert client.service.GetListPP(Username=LONER, Password="nope").ResultCode == -1003


def test_card_commands_print_what_they_did_and_refuse_with_one_line(server: RunningServer) -> None:
    listed = server.cli("card", "list", "acme")
    lines = listed.stdout.splitlines()
    assert lines[0] == "account acme: prepaid, EUR"
    assert lines[1].startswith("1\tface=0.2500\tbonus=0.0500\tused=0.3000\tbalance=0.0000\t")
    for args, reason in (
        (("card", "add", "nope", "--face-value", "1"), "no account 'nope'"),
        (("card", "add", "acme", "--face-value", "ten"), "is not an amount"),
        (("card", "add", "acme", "--face-value", "1", "--close-date", "2001-01-01",
          "--issue-date", "2002-01-01"), "the close date must be after the issue date"),
        (("account", "set", "acme"), "nothing to set"),
    ):
        refused = server.cli(*args, check=False)
        assert refused.returncode == 1 and reason in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1


def test_the_card_operations_are_offered_on_the_form_bindings(server: RunningServer) -> None:
    got = requests.get(f"{server.dfs}/GetListPP",
                       params={"Username": BOSS, "Password": PASSWORD}, timeout=30)
    assert got.status_code == 200
    root = etree.fromstring(got.content)
    assert etree.QName(root).localname == "ListPPResult"
    assert root.findtext(f"{{{NS}}}Valid") == "true"
    posted = requests.post(f"{server.dfs}/GetPPCardDetails",
                           data={"Username": BOSS, "Password": PASSWORD, "PPCardID": "1"},
                           timeout=30)
    assert posted.status_code == 200
    details = etree.fromstring(posted.content)
    assert details.findtext(f"{{{NS}}}ResultCode") == "0"
    assert details.find(f"{{{NS}}}Details").findtext(f"{{{NS}}}FaceValue") == "0.2500"
