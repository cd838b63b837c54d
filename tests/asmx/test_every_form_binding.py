"""Every operation the WSDL offers on the HTTP GET and POST bindings answers there (issue 8):
with a user's credentials and no other parameters each one returns its bare result element,
never a fault or an error page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from tests.conftest import RunningServer, start_server

WSDL = "http://schemas.xmlsoap.org/wsdl/"
HTTP = "http://schemas.xmlsoap.org/wsdl/http/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("forms") / "data", args=("--no-worker",))
    running.add_user("forms", "pw-forms")
    yield running
    running.stop()


def http_operations(server: RunningServer, service: str, verb: str) -> list[tuple[str, str]]:
    """(operation, result element) for every operation of the service's HTTP binding."""
    wsdl = etree.fromstring(requests.get(f"{server.base_url}/{service}?WSDL", timeout=30).content)
    binding = wsdl.find(f"{{{WSDL}}}binding/{{{HTTP}}}binding[@verb='{verb}']/..")
    assert binding is not None
    found = []
    for operation in binding.findall(f"{{{WSDL}}}operation"):
        name = operation.get("name")
        message = wsdl.find(f"{{{WSDL}}}message[@name='{name}Http{verb.title()}Out']")
        element = message.find(f"{{{WSDL}}}part").get("element").split(":")[1]
        found.append((name, element))
    return found


@pytest.mark.parametrize("service", ["dfs.asmx", "inbound.asmx"])
@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_every_http_operation_answers_with_its_result_element(
    server: RunningServer, service: str, verb: str
) -> None:
    operations = http_operations(server, service, verb)
    assert len(operations) >= (20 if service == "dfs.asmx" else 4)
    wrong = []
    for name, element in operations:
        url = f"{server.base_url}/{service}/{name}"
        fields = {"Username": "forms", "Password": "pw-forms"}
        if verb == "GET":
            response = requests.get(url, params=fields, timeout=30)
        else:
            response = requests.post(url, data=fields, timeout=30)
        try:
            root = etree.fromstring(response.content)
            answered = etree.QName(root).localname
        except etree.XMLSyntaxError:
            answered = f"not XML: {response.text[:80]!r}"
        if response.status_code != 200 or answered != element:
            wrong.append(f"{verb} {name}: HTTP {response.status_code}, <{answered}> "
                         f"instead of <{element}>")
    assert not wrong, "\n".join(wrong)
