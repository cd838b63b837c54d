"""The exact ASP.NET response layout (COMPAT 13-19, ASPNET-OBSERVED "Success responses") and the
HTTP GET/POST form bindings, end to end.

Exact bytes are compared only where COMPAT.md fixes the layout; the rest is read with lxml.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
import requests

from tests.asmx.wire import (
    CT_SOAP11,
    CT_SOAP12,
    CT_TEXT,
    HEAD11,
    HEAD12,
    NS,
    NUMBER,
    PASSWORD,
    TAIL,
    TIMEOUT,
    children,
    envelope,
    fax_status_params,
    module_server,
    one_line,
    post,
    result,
    send_char_fax_params,
    status_echo,
    status_items,
)
from tests.conftest import RunningServer

ALICE, BOB = "alice", "bob"
CAROL = "carol"  # the tests that send outside the `faxes` fixture use carol
ERIN = "erin"  # never sends anything
FAX_ITEM_FIELDS = [
    "TransactionID",
    "SubmitTime",
    "PostponeTime",
    "CompletionTime",
    "DestinationFax",
    "RemoteCSID",
    "PagesSent",
    "Status",
    "Duration",
    "Subject",
    "PagesSubmitted",
]
# ASP.NET's unspecified-kind DateTime: no Z, no offset, up to 7 fraction digits.
UNSPECIFIED_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?$")
MIN_DATE = "0001-01-01T00:00:00"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with module_server(
        tmp_path_factory.mktemp("soap-responses"), users=(ALICE, BOB, CAROL, ERIN)
    ) as s:
        yield s


def send(server: RunningServer, user: str, data: str = "Hello") -> int:
    return result(
        post(server.dfs, envelope("SendCharFax", send_char_fax_params(user, data=data))),
        "SendCharFax",
    )


@pytest.fixture(scope="module")
def faxes(server: RunningServer) -> dict[str, list[int]]:
    """alice, bob, alice, alice, bob: interleaved IDs, so a leak between users would show."""
    sent: dict[str, list[int]] = {ALICE: [], BOB: []}
    for user in (ALICE, BOB, ALICE, ALICE, BOB):
        sent[user].append(send(server, user))
    return sent


def fax_status(
    server: RunningServer,
    user: str,
    last: int = 999999999,
    max_items: int = 100,
    version: str = "1.1",
    password: str = PASSWORD,
) -> requests.Response:
    response = post(
        server.dfs,
        envelope("FaxStatus", fax_status_params(user, last, max_items, password), version),
        CT_SOAP12 if version == "1.2" else CT_SOAP11,
    )
    assert response.status_code == 200, response.text
    return response


def ids(response: requests.Response) -> list[int]:
    return [int(item["TransactionID"]) for item in status_items(response.content)]


def inner(response: requests.Response, version: str = "1.1") -> str:
    """The Body's content, after checking the exact head and tail of the envelope."""
    text = response.content.decode("utf-8")
    head = HEAD12 if version == "1.2" else HEAD11
    assert text.startswith(head), text
    assert text.endswith(TAIL), text
    return text[len(head) : -len(TAIL)]


# SOAP layout (COMPAT 13, 17) ------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_send_char_fax_answer_is_byte_for_byte_the_asmx_layout(
    server: RunningServer, version: str
) -> None:
    response = post(
        server.dfs,
        envelope("SendCharFax", send_char_fax_params(CAROL), version),
        CT_SOAP12 if version == "1.2" else CT_SOAP11,
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == (CT_SOAP12 if version == "1.2" else CT_SOAP11)
    match = re.fullmatch(
        r'<SendCharFaxResponse xmlns="http://www\.interfax\.cc">'
        r"<SendCharFaxResult>([1-9]\d*)</SendCharFaxResult></SendCharFaxResponse>",
        inner(response, version),
    )
    assert match, response.text
    assert not response.content.endswith(b"\n")
    assert b"Header" not in response.content


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"password": "wrong-password"}, -1003),
        ({"file_type": "XYZ"}, -1004),
        ({"number": "not a number"}, -112),
        ({"data": ""}, -123),
    ],
    ids=["bad-credentials", "unsupported-type", "no-valid-number", "empty-data"],
)
def test_application_errors_are_http_200_with_a_negative_result(
    server: RunningServer, params: dict[str, str], code: int
) -> None:
    # A user of its own: wrong passwords must not lock out the users of other tests.
    response = post(server.dfs, envelope("SendCharFax", send_char_fax_params(CAROL, **params)))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CT_SOAP11
    assert inner(response) == (
        f'<SendCharFaxResponse xmlns="{NS}"><SendCharFaxResult>{code}</SendCharFaxResult>'
        "</SendCharFaxResponse>"
    )


def test_transaction_ids_are_positive_and_increase(faxes: dict[str, list[int]]) -> None:
    every = sorted(faxes[ALICE] + faxes[BOB])
    assert every[0] > 0
    assert len(set(every)) == 5
    assert faxes[ALICE] == sorted(faxes[ALICE]) and faxes[BOB] == sorted(faxes[BOB])


# FaxStatus (COMPAT 15, 16, 19) ----------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_fax_status_layout_echoes_total_count_list_size_and_result_code_after_the_result(
    server: RunningServer, faxes: dict[str, list[int]], version: str
) -> None:
    response = fax_status(server, ALICE, version=version)

    assert response.headers["Content-Type"] == (CT_SOAP12 if version == "1.2" else CT_SOAP11)
    body = inner(response, version)
    item = (
        "<FaxItem>"
        + "".join(
            rf"(?:<{name}>[^<]+</{name}>|<{name} />)"
            if name in ("RemoteCSID", "Subject", "DestinationFax")
            else rf"<{name}>[^<]+</{name}>"
            for name in FAX_ITEM_FIELDS
        )
        + "</FaxItem>"
    )
    pattern = (
        r'<FaxStatusResponse xmlns="http://www\.interfax\.cc">'
        rf"<FaxStatusResult>(?:{item})+</FaxStatusResult>"
        r"<TotalCount>3</TotalCount><ListSize>3</ListSize><ResultCode>0</ResultCode>"
        r"</FaxStatusResponse>"
    )
    assert re.fullmatch(pattern, body), body


def test_no_whitespace_between_elements(server: RunningServer, faxes: dict[str, list[int]]) -> None:
    response = fax_status(server, ALICE)

    assert re.search(rb">\s+<", response.content) is None
    assert b"\n" not in response.content and b"\r" not in response.content


def test_items_are_newest_first(server: RunningServer, faxes: dict[str, list[int]]) -> None:
    response = fax_status(server, ALICE)

    assert ids(response) == faxes[ALICE][::-1]
    assert status_echo(response.content) == {"TotalCount": 3, "ListSize": 3, "ResultCode": 0}


def test_items_are_strictly_below_last_transaction_id(
    server: RunningServer, faxes: dict[str, list[int]]
) -> None:
    first, second, third = faxes[ALICE]

    assert ids(fax_status(server, ALICE, last=third)) == [second, first]
    assert ids(fax_status(server, ALICE, last=second)) == [first]
    response = fax_status(server, ALICE, last=third, max_items=1)
    assert ids(response) == [second]
    # TotalCount counts all of the user's transactions; ListSize what was written.
    assert status_echo(response.content) == {"TotalCount": 3, "ListSize": 1, "ResultCode": 0}


def test_max_items_1_with_n_plus_1_reads_fax_n(
    server: RunningServer, faxes: dict[str, list[int]]
) -> None:
    for transaction_id in faxes[ALICE]:
        assert ids(fax_status(server, ALICE, last=transaction_id + 1, max_items=1)) == [
            transaction_id
        ]


def test_max_items_limits_the_list(server: RunningServer, faxes: dict[str, list[int]]) -> None:
    response = fax_status(server, ALICE, max_items=2)

    assert ids(response) == faxes[ALICE][:0:-1]
    assert status_echo(response.content)["ListSize"] == 2


def test_a_user_never_sees_another_users_transactions(
    server: RunningServer, faxes: dict[str, list[int]]
) -> None:
    assert ids(fax_status(server, BOB)) == faxes[BOB][::-1]
    assert status_echo(fax_status(server, BOB).content)["TotalCount"] == 2
    # Reading bob's transaction N with N+1, MaxItems 1 as alice gives alice's next one down.
    bob_first = faxes[BOB][0]
    below = [i for i in faxes[ALICE] if i < bob_first]
    assert ids(fax_status(server, ALICE, last=bob_first + 1, max_items=1)) == below[-1:]
    assert not set(ids(fax_status(server, CAROL))) & set(faxes[ALICE] + faxes[BOB])
    assert ids(fax_status(server, ERIN)) == []


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_an_empty_result_still_writes_the_wrapper(server: RunningServer, version: str) -> None:
    response = fax_status(server, ERIN, version=version)

    assert inner(response, version) == (
        f'<FaxStatusResponse xmlns="{NS}"><FaxStatusResult />'
        "<TotalCount>0</TotalCount><ListSize>0</ListSize><ResultCode>0</ResultCode>"
        "</FaxStatusResponse>"
    )


def test_nothing_below_the_oldest_writes_the_wrapper_and_the_total(
    server: RunningServer, faxes: dict[str, list[int]]
) -> None:
    response = fax_status(server, ALICE, last=faxes[ALICE][0])

    assert inner(response) == (
        f'<FaxStatusResponse xmlns="{NS}"><FaxStatusResult />'
        "<TotalCount>3</TotalCount><ListSize>0</ListSize><ResultCode>0</ResultCode>"
        "</FaxStatusResponse>"
    )


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_bad_credentials_omit_the_wrapper_and_echo_the_code(
    server: RunningServer, version: str
) -> None:
    response = fax_status(server, "nobody-at-all", password="x", version=version)

    assert inner(response, version) == (
        f'<FaxStatusResponse xmlns="{NS}">'
        "<TotalCount>0</TotalCount><ListSize>0</ListSize><ResultCode>-1003</ResultCode>"
        "</FaxStatusResponse>"
    )


def test_strings_escape_only_amp_lt_gt_and_write_non_ascii_raw(server: RunningServer) -> None:
    # SendfaxEx_2's Subject is echoed by FaxStatus: a string the client chose, on the way out.
    subject = "a<b & c>d \"q\" 'x'\tCafé ≠ ü"
    inner_params = children(
        Username=CAROL,
        Password=PASSWORD,
        FaxNumbers=NUMBER,
        FileTypes="TXT",
        FileSizes="5",
        FilesData=base64.b64encode(b"Hello").decode(),
        Subject=subject,
    )
    transaction_id = result(post(server.dfs, envelope("SendfaxEx_2", inner_params)), "SendfaxEx_2")
    assert transaction_id > 0

    response = fax_status(server, CAROL, last=transaction_id + 1, max_items=1)

    expected = "<Subject>a&lt;b &amp; c&gt;d \"q\" 'x'\tCafé ≠ ü</Subject>"
    assert expected.encode("utf-8") in response.content
    assert b"&#" not in response.content and b"&quot;" not in response.content


def test_fax_item_fields_dates_and_number_form(
    server: RunningServer, faxes: dict[str, list[int]]
) -> None:
    for item in status_items(fax_status(server, ALICE).content):
        assert list(item) == FAX_ITEM_FIELDS
        assert item["PostponeTime"] == MIN_DATE  # never postponed
        for name in ("SubmitTime", "PostponeTime", "CompletionTime"):
            assert UNSPECIFIED_DATE.match(item[name]), item
            assert not item[name].endswith("Z") and "+" not in item[name]
        assert item["SubmitTime"] > "2000"
        assert item["DestinationFax"] == "0012125550100"


def test_a_fresh_fax_has_never_set_times_as_min_value(server: RunningServer) -> None:
    transaction_id = send(server, CAROL)
    (item,) = status_items(fax_status(server, CAROL, last=transaction_id + 1, max_items=1).content)

    assert item["PostponeTime"] == MIN_DATE
    assert item["CompletionTime"] == MIN_DATE or UNSPECIFIED_DATE.match(item["CompletionTime"])


# HTTP GET/POST form bindings (COMPAT 18) ------------------------------------------------------


FORM_ANSWER = re.compile(
    rb'<\?xml version="1\.0" encoding="utf-8"\?>\n<long xmlns="http://www\.interfax\.cc">(-?\d+)</long>'
)


def form_fields(user: str, password: str = PASSWORD) -> dict[str, str]:
    return {
        "Username": user,
        "Password": password,
        "FaxNumber": NUMBER,
        "Data": "form binding",
        "FileType": "TXT",
    }


@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_send_char_fax_on_the_form_binding_answers_a_bare_long(
    server: RunningServer, verb: str
) -> None:
    url = server.dfs + "/SendCharFax"
    if verb == "GET":
        response = requests.get(url, params=form_fields(CAROL), timeout=TIMEOUT)
    else:
        response = requests.post(url, data=form_fields(CAROL), timeout=TIMEOUT)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CT_SOAP11
    match = FORM_ANSWER.fullmatch(response.content)
    assert match, response.content
    transaction_id = int(match.group(1))
    assert transaction_id > 0
    # It was really submitted: FaxStatus reads it back.
    assert ids(fax_status(server, CAROL, last=transaction_id + 1, max_items=1)) == [transaction_id]


def test_form_binding_field_names_are_case_insensitive(server: RunningServer) -> None:
    fields = {name.lower(): value for name, value in form_fields(CAROL).items()}

    response = requests.post(server.dfs + "/SendCharFax", data=fields, timeout=TIMEOUT)

    match = FORM_ANSWER.fullmatch(response.content)
    assert match and int(match.group(1)) > 0, response.content


def test_form_binding_application_error_is_a_bare_negative_long(server: RunningServer) -> None:
    response = requests.post(
        server.dfs + "/SendCharFax",
        data={**form_fields(CAROL), "FaxNumber": "nonsense"},
        timeout=TIMEOUT,
    )

    assert response.status_code == 200
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<long xmlns="http://www.interfax.cc">-112</long>'
    )


@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_fax_status_is_not_offered_on_the_form_binding(server: RunningServer, verb: str) -> None:
    fields = {
        "Username": ALICE,
        "Password": PASSWORD,
        "LastTransactionID": "999999999",
        "MaxItems": "10",
    }
    response = requests.request(
        verb,
        server.dfs + "/FaxStatus",
        timeout=TIMEOUT,
        **({"params": fields} if verb == "GET" else {"data": fields}),
    )

    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT_TEXT
    assert one_line(response.text)
    assert "<html" not in response.text.lower()


def test_head_on_the_form_binding_does_not_run_the_operation(server: RunningServer) -> None:
    before = status_echo(fax_status(server, CAROL).content)["TotalCount"]

    response = requests.head(
        server.dfs + "/SendCharFax", params=form_fields(CAROL), timeout=TIMEOUT
    )

    assert response.status_code == 500
    assert status_echo(fax_status(server, CAROL).content)["TotalCount"] == before


def test_unknown_operation_on_the_form_binding_is_500_text(server: RunningServer) -> None:
    response = requests.get(server.dfs + "/NoSuchOperation", timeout=TIMEOUT)

    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT_TEXT
    assert one_line(response.text)


@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_a_non_numeric_form_value_for_an_int_is_500_with_one_line_of_text(
    server: RunningServer, verb: str
) -> None:
    fields = {"Username": ALICE, "Password": PASSWORD, "TransactionID": "abc"}
    response = requests.request(
        verb,
        server.dfs + "/CancelFax",
        timeout=TIMEOUT,
        **({"params": fields} if verb == "GET" else {"data": fields}),
    )

    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT_TEXT
    assert one_line(response.text)
    assert "abc" in response.text
    assert "<" not in response.text


def test_get_binding_switched_off_by_setting(tmp_path_factory: pytest.TempPathFactory) -> None:
    with module_server(
        tmp_path_factory.mktemp("no-get"),
        extra_env={"INTERFAX_SOAP_SERVER__HTTP_GET_BINDING": "false"},
    ) as server:
        url = server.dfs + "/SendCharFax"
        fields = form_fields("nobody")  # no user needed: POST answering -1003 shows it ran

        refused = requests.get(url, params=fields, timeout=TIMEOUT)
        allowed = requests.post(url, data=fields, timeout=TIMEOUT)
        wsdl = requests.get(server.wsdl_url, timeout=TIMEOUT)

        assert refused.status_code == 500
        assert refused.headers["Content-Type"] == CT_TEXT
        assert one_line(refused.text)
        assert "<long" not in refused.text
        assert allowed.status_code == 200
        assert allowed.content == (
            b'<?xml version="1.0" encoding="utf-8"?>\n<long xmlns="http://www.interfax.cc">-1003</long>'
        )
        # The WSDL no longer offers the GET port, and still offers POST.
        assert b'name="InterFaxHttpGet"' not in wsdl.content
        assert b'name="InterFaxHttpPost"' in wsdl.content
