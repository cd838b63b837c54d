"""The account web in Debian's headless Chromium (issue 11 "Done when"): sign in, send faxes
through SOAP, find the failed one by subject, open it and see its pages, resend it, export
CSV and XML, read a received fax and its forwarding log, change a setting and see the next
SOAP send use it, and find another user's fax out of reach by editing the URL."""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from tests.conftest import RunningServer, start_server
from tests.mail_sink import MailSink
from tests.soap_helpers import offline_zeep_client
from tests.web.conftest import add_users, screenshot, wait_until

PASSWORD = "pw-web"
OWN_NUMBER = "+1 212 555 0300"  # alice's inbound number
OK_NUMBER, FAILING_NUMBER = "+1 212 555 0100", "+1 212 555 0101"  # 0101: 6001 not operational

pytestmark = pytest.mark.timeout(240)


@dataclasses.dataclass
class Site:
    server: RunningServer
    sink: MailSink
    dfs: Any
    faxes: dict[str, int]

    @property
    def base(self) -> str:
        return self.server.base_url

    def send(self, user: str, numbers: str, subject: str, text: str = "Purchase order\f2",
             postpone: dt.datetime | None = None, **extra: Any) -> int:
        data = text.encode("utf-8")
        values: dict[str, Any] = {
            "Username": user, "Password": PASSWORD, "FaxNumbers": numbers, "Contacts": "",
            "FilesData": data, "FileTypes": "TXT", "FileSizes": str(len(data)),
            "Postpone": postpone or dt.datetime(1980, 1, 1), "RetriesToPerform": 1, "CSID": "",
            "PageHeader": "", "JobID": "", "Subject": subject, "ReplyAddress": "",
            "PageSize": "A4", "PageOrientation": "Portrait", "IsHighResolution": False,
            "IsFineRendering": False,
        }
        values.update(extra)
        transaction_id = int(self.dfs.service.SendfaxEx_2(**values))
        assert transaction_id > 0, transaction_id
        return transaction_id

    def item(self, user: str, transaction_id: int) -> Any:
        answer = self.dfs.service.FaxQuery(Username=user, Password=PASSWORD, Verb="EQ",
                                           VerbData=str(transaction_id), MaxItems=1, ResultCode=0)
        return answer.FaxQueryResult.FaxItemEx[0]

    def final(self, user: str, transaction_id: int) -> Any:
        return wait_until(lambda: (i := self.item(user, transaction_id)).Status >= 0 and i,
                          60, f"fax {transaction_id} to finish")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    sink = MailSink()
    smtp_port = sink.start()
    server = start_server(
        tmp_path_factory.mktemp("web-browser") / "data",
        {"INTERFAX_SOAP_SMTP_RELAY__HOST": "127.0.0.1",
         "INTERFAX_SOAP_SMTP_RELAY__PORT": str(smtp_port)},
    )
    try:
        add_users(server, PASSWORD, "alice", "bob", "carol", account=("acme", "alice", "bob"))
        server.cli("number", "add", OWN_NUMBER, "--user", "alice",
                   "--forward", "orders@example.com")
        site = Site(server, sink, offline_zeep_client(server.wsdl_url), {})
        site.faxes["ok1"] = site.send("alice", OK_NUMBER, "PO-1001 Tokyo")
        site.faxes["failed"] = site.send("alice", FAILING_NUMBER, "PO-4711 Nagoya")
        site.faxes["japanese"] = site.send("alice", OK_NUMBER, "注文書 PO-3003 大阪",
                                           text="発注書\nPO-3003")
        site.faxes["to_self"] = site.send("alice", OWN_NUMBER, "to myself")
        site.faxes["bob"] = site.send("bob", OK_NUMBER, "bob's private order")
        for name, transaction_id in site.faxes.items():
            site.final("bob" if name == "bob" else "alice", transaction_id)
        # Postponed a day: stays queued (in progress, not yet sending) until cancelled.
        site.faxes["postponed"] = site.send(
            "alice", OK_NUMBER, "PO-5000 later",
            postpone=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1))
        yield site
    finally:
        server.stop()
        sink.stop()


def sign_in(driver: Any, site: Site, user: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{site.base}/web/sent")
    assert "/web/signin" in driver.current_url  # signed out: sent to the sign-in page
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_until(lambda: driver.current_url.endswith("/web/sent"), 20, "the sent-faxes page")


def rows(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#results table tbody tr")


def row_ids(driver: Any) -> list[int]:
    # Read in one script: the live refresh may replace the table between two WebDriver calls.
    texts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#results table tbody tr th'))"
        ".map(th => th.textContent.trim());"
    )
    return [int(text) for text in texts]


def fetch(driver: Any, url: str) -> tuple[int, bytes, str]:
    """GET from inside the page (the browser's own session): (status, body, content type)."""
    status, data, content_type = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then(async (r) => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          let text = "";
          for (let i = 0; i < bytes.length; i += 8192) {
            text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
          }
          done([r.status, btoa(text), r.headers.get("content-type")]);
        }).catch((e) => done([0, "", String(e)]));
        """,
        url,
    )
    return int(status), base64.b64decode(data), content_type


def field(driver: Any, name: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'[data-field="{name}"]').text


def test_sign_in_find_the_failed_fax_by_subject_see_its_pages_and_resend_it(
    chrome: Any, site: Site
) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{site.base}/web/")
    screenshot(chrome, "01-sign-in")
    sign_in(chrome, site, "alice")
    screenshot(chrome, "02-sent-faxes")

    subject = chrome.find_element(By.ID, "f-subject")
    subject.send_keys("po-4711")  # case-insensitive, part of the subject
    chrome.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    wait_until(lambda: "subject=po-4711" in chrome.current_url, 20, "the search")
    failed = site.faxes["failed"]
    assert row_ids(chrome) == [failed]
    assert "6001" in rows(chrome)[0].text and "Number not operational" in rows(chrome)[0].text

    chrome.find_element(By.LINK_TEXT, str(failed)).click()
    wait_until(lambda: chrome.current_url.endswith(f"/web/sent/{failed}"), 20, "the fax page")
    assert chrome.find_element(By.TAG_NAME, "h1").text.startswith(f"Fax {failed}")
    assert field(chrome, "subject") == "PO-4711 Nagoya"
    assert field(chrome, "destination").startswith("+1 212-555-0101")
    images = chrome.find_elements(By.CSS_SELECTOR, "#pages img")
    assert len(images) == 2  # "Purchase order\f2": two pages
    for image in images:
        chrome.execute_script("arguments[0].scrollIntoView()", image)
        wait_until(lambda image=image: chrome.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", image), 20, "a page image")
        width, height = chrome.execute_script(
            "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
        assert width == 864 and 1.2 < height / width < 1.6  # an A4 page, square pixels
    assert "Page 1 of 2" in images[0].get_attribute("alt")
    status, tiff, content_type = fetch(chrome, f"/web/sent/{failed}/fax-{failed}.tif")
    assert status == 200 and tiff[:4] in (b"II*\x00", b"MM\x00*") and content_type == "image/tiff"
    status, pdf, _ = fetch(chrome, f"/web/sent/{failed}/fax-{failed}.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    chrome.execute_script("window.scrollTo(0, 0)")
    screenshot(chrome, "03-fax-page-failed")

    # Resend to another number: a new transaction, which succeeds.
    chrome.find_element(By.ID, "resend-number").send_keys(OK_NUMBER)
    chrome.find_element(By.CSS_SELECTOR, "form[action$='/resend'] button").click()
    wait_until(lambda: "msg=resent" in chrome.current_url, 20, "the resent fax's page")
    resent = int(chrome.current_url.split("/web/sent/")[1].split("?")[0])
    assert resent > failed
    assert f"Submitted again as fax {resent}" in chrome.find_element(By.CSS_SELECTOR, ".flash").text
    item = site.final("alice", resent)
    assert item.Status == 0 and item.DestinationFax == "0012125550100"
    assert item.Subject == "PO-4711 Nagoya"
    chrome.refresh()
    assert field(chrome, "status").startswith("0 OK")

    # Resend to the same number: fails again, as the original did.
    chrome.get(f"{site.base}/web/sent/{failed}")
    chrome.find_element(By.CSS_SELECTOR, "form[action$='/resend'] button").click()
    wait_until(lambda: "msg=resent" in chrome.current_url, 20, "the second resend")
    again = int(chrome.current_url.split("/web/sent/")[1].split("?")[0])
    assert site.final("alice", again).Status == 6001


def test_the_list_refreshes_itself_while_a_fax_is_in_progress_and_cancel_stops_it(
    chrome: Any, site: Site
) -> None:
    from selenium.webdriver.common.by import By

    sign_in(chrome, site, "alice")
    postponed = site.faxes["postponed"]
    assert chrome.find_element(By.ID, "results").get_attribute("data-refresh")
    chrome.execute_script("window.notReloaded = true")
    newer = site.send("alice", OK_NUMBER, "PO-6000 arrives while watching")
    wait_until(lambda: newer in row_ids(chrome), 30, "the new fax to appear by itself")
    assert chrome.execute_script("return window.notReloaded === true")  # no page reload
    assert "Updated" in chrome.find_element(By.ID, "live").text
    site.final("alice", newer)

    chrome.get(f"{site.base}/web/sent/{postponed}")
    assert field(chrome, "status").startswith("-2")
    chrome.find_element(By.CSS_SELECTOR, "form[action$='/cancel'] button").click()
    chrome.switch_to.alert.accept()  # "Cancel this fax?"
    wait_until(lambda: "msg=cancelled" in chrome.current_url, 20, "the cancel")
    assert field(chrome, "status").startswith("403")
    assert not chrome.find_elements(By.CSS_SELECTOR, "form[action$='/cancel']")
    assert site.item("alice", postponed).Status == 403


def test_export_the_search_as_csv_and_xml(chrome: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    sign_in(chrome, site, "alice")
    chrome.get(f"{site.base}/web/sent?subject=PO-&sort=subject&dir=asc")
    shown = row_ids(chrome)
    assert site.faxes["failed"] in shown and site.faxes["to_self"] not in shown
    links = {a.text: a.get_attribute("href")
             for a in chrome.find_elements(By.CSS_SELECTOR, ".export a")}

    status, body, content_type = fetch(chrome, links["CSV (UTF-8, for Excel)"])
    assert status == 200 and content_type == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [int(r["TransactionID"]) for r in table] == shown  # same rows, same order
    failed = next(r for r in table if int(r["TransactionID"]) == site.faxes["failed"])
    assert failed["Status"] == "6001" and failed["Subject"] == "PO-4711 Nagoya"
    assert failed["StatusDescription"] == "Number not operational"
    assert failed["DestinationFax"] == "0012125550101"

    status, body, content_type = fetch(chrome, links["CSV (Shift_JIS)"])
    assert status == 200 and content_type == "text/csv; charset=Shift_JIS"
    table = list(csv.DictReader(io.StringIO(body.decode("cp932"))))
    assert "注文書 PO-3003 大阪" in [r["Subject"] for r in table]

    status, body, content_type = fetch(chrome, links["XML"])
    assert status == 200 and content_type.startswith("application/xml")
    root = etree.fromstring(body)
    assert [int(f.findtext("TransactionID")) for f in root.iter("Fax")] == shown
    nagoya = next(f for f in root.iter("Fax") if f.findtext("Subject") == "PO-4711 Nagoya")
    assert nagoya.findtext("Status") == "6001"

    chrome.find_element(By.LINK_TEXT, "日本語").click()
    wait_until(lambda: chrome.find_element(By.TAG_NAME, "h1").text == "送信履歴", 20,
               "the page in Japanese")
    assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    screenshot(chrome, "04-sent-faxes-ja")
    chrome.find_element(By.LINK_TEXT, "English").click()
    wait_until(lambda: chrome.find_element(By.TAG_NAME, "h1").text == "Sent faxes", 20,
               "the page in English")


def test_read_a_received_fax_and_its_forwarding_log(chrome: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    wait_until(lambda: site.sink.to("orders@example.com"), 60, "the forwarded mail")
    sign_in(chrome, site, "alice")
    chrome.find_element(By.LINK_TEXT, "Received faxes").click()
    wait_until(lambda: chrome.current_url.endswith("/web/received"), 20, "the received list")
    first = rows(chrome)[0]
    assert "New" in first.text  # unread
    message_id = int(first.find_element(By.TAG_NAME, "th").text)
    screenshot(chrome, "05-received-faxes")

    first.find_element(By.TAG_NAME, "a").click()
    wait_until(lambda: chrome.current_url.endswith(f"/web/received/{message_id}"), 20,
               "the received fax")
    assert field(chrome, "read") == "Read"  # opening it marks it read
    log = chrome.find_element(By.ID, "forwarding-log").text
    assert "orders@example.com" in log and "Delivered" in log
    image = chrome.find_element(By.CSS_SELECTOR, "#pages img")
    wait_until(lambda: chrome.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", image), 20, "the preview")
    status, pdf, _ = fetch(chrome, f"/web/received/{message_id}/fax-{message_id}.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    screenshot(chrome, "06-received-fax")

    chrome.find_element(By.CSS_SELECTOR, "form[action$='/mark'] button").click()
    wait_until(lambda: "msg=marked_unread" in chrome.current_url, 20, "mark unread")
    assert field(chrome, "read") == "New"

    chrome.find_element(By.ID, "resend-address").send_keys("again@example.com")
    chrome.find_element(By.CSS_SELECTOR, "form[action$='/resend-email'] button").click()
    wait_until(lambda: "msg=emails_queued" in chrome.current_url, 20, "resend to e-mail")
    assert "1 e-mail(s) queued" in chrome.find_element(By.CSS_SELECTOR, ".flash").text
    wait_until(lambda: site.sink.to("again@example.com"), 60, "the mail sent again")


def test_a_changed_setting_is_used_by_the_next_soap_send(chrome: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    sign_in(chrome, site, "alice")
    chrome.find_element(By.LINK_TEXT, "Settings").click()
    wait_until(lambda: chrome.current_url.endswith("/web/settings"), 20, "the settings page")
    csid = chrome.find_element(By.ID, "csid")
    csid.clear()
    csid.send_keys("+1 212 555 0999")
    Select(chrome.find_element(By.ID, "page_size")).select_by_visible_text("Letter")
    forward = chrome.find_element(By.ID, "forward-0")
    forward.send_keys("\nsecond@example.com")
    chrome.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    wait_until(lambda: "msg=saved" in chrome.current_url, 20, "the saved settings")
    assert chrome.find_element(By.ID, "csid").get_attribute("value") == "+1 212 555 0999"
    screenshot(chrome, "07-settings")

    # The next SOAP send names no CSID and no page size: the user's new defaults apply.
    transaction_id = site.send("alice", OWN_NUMBER, "after the settings", PageSize="")
    item = site.final("alice", transaction_id)
    assert item.SenderCSID == "+1 212 555 0999"
    assert item.PageSize == "Letter"
    # The fax went to alice's own number: received with that CSID, forwarded to both addresses.
    wait_until(lambda: site.sink.to("second@example.com"), 60, "forwarding to the new address")
    chrome.get(f"{site.base}/web/received")
    newest = rows(chrome)[0]
    assert "+1 212 555 0999" in newest.text


def test_a_user_cannot_reach_another_users_fax_by_editing_the_url(
    chrome: Any, site: Site
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    alice_fax, bob_fax = site.faxes["failed"], site.faxes["bob"]
    sign_in(chrome, site, "carol")
    for path in (f"/web/sent/{alice_fax}", f"/web/sent/{bob_fax}"):
        chrome.get(site.base + path)
        assert chrome.find_element(By.TAG_NAME, "h1").text == "Not found"
    for path in (f"/web/sent/{alice_fax}/page-1.png", f"/web/sent/{alice_fax}/fax-{alice_fax}.tif",
                 "/web/received/1", "/web/received/1/fax-1.pdf"):
        assert fetch(chrome, path)[0] == 404, path
    screenshot(chrome, "08-not-found")

    sign_in(chrome, site, "bob")  # a user of alice's account, not its primary user
    chrome.get(f"{site.base}/web/sent/{alice_fax}")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Not found"
    assert not chrome.find_elements(By.ID, "switch-user")

    # alice is the account's primary user: she may switch to bob and see his faxes.
    sign_in(chrome, site, "alice")
    Select(chrome.find_element(By.ID, "switch-user")).select_by_visible_text("bob")
    chrome.find_element(By.CSS_SELECTOR, "form[action='/web/switch-user'] button").click()
    wait_until(lambda: "msg=switched" in chrome.current_url, 20, "the switch")
    assert row_ids(chrome) == [bob_fax]
    assert "bob" in chrome.find_element(By.CSS_SELECTOR, ".banner").text
    chrome.get(f"{site.base}/web/sent/{bob_fax}")
    assert field(chrome, "subject") == "bob's private order"
