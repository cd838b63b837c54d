"""A small replayer of SoapUI 5 project files, enough to keep examples/soapui true without
SoapUI (which cannot be installed here).

It reads WSDL interfaces with their example calls, and test suites made of request steps (with
their assertions), property transfers, delays and conditional gotos; it expands
``${#Project#name}``, ``${#TestSuite#name}`` and ``${#TestCase#name}`` (project properties can be
overridden, as ``testrunner.sh -Pname=value`` does) and sends each request as SoapUI does
(SOAP 1.1: ``text/xml`` with a quoted SOAPAction; SOAP 1.2: ``application/soap+xml`` with
``action``). Anything else it finds (a Groovy step, a ``${=...}`` expression it would have to
evaluate, an assertion type it does not know) is an error rather than silently skipped.

Assertions: SOAP Response, Not SOAP Fault (``SOAP Fault Assertion``), SOAP Fault (``Not SOAP
Fault Assertion``), Valid HTTP Status Codes, Simple Contains, Simple NotContains, XPath Match
and Schema Compliance (the response element against the served WSDL's schema). XPath
expressions are evaluated by lxml (XPath 1.0), so a project should keep to what XPath 1.0 and
SoapUI's XPath 2.0 read alike.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import requests
from lxml import etree

CON = "http://eviware.com/soapui/config"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
USER_AGENT = "Apache-HttpClient/4.5.5 (Java/16.0.2)"  # what SoapUI 5.7 sends
MAX_JUMPS = 400

KNOWN_ASSERTIONS = {
    "SOAP Response", "SOAP Fault Assertion", "Not SOAP Fault Assertion",
    "Valid HTTP Status Codes", "Simple Contains", "Simple NotContains", "XPath Match",
    "Schema Compliance",
}
CHECK_ASSERTIONS = {"XPath Match", "Simple Contains", "Simple NotContains"}


def _c(tag: str) -> str:
    return f"{{{CON}}}{tag}"


def _text(element: etree._Element | None, tag: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(_c(tag))
    return found.text or "" if found is not None else default


@dataclasses.dataclass
class Assertion:
    type: str
    name: str
    config: dict[str, str]


@dataclasses.dataclass
class Request:
    name: str
    interface: str
    operation: str
    endpoint: str
    body: str
    assertions: list[Assertion]


@dataclasses.dataclass
class Transfer:
    name: str
    source_step: str
    source_path: str
    target_property: str
    target_step: str


@dataclasses.dataclass
class Step:
    kind: str  # request | transfer | delay | goto
    name: str
    request: Request | None = None
    transfers: list[Transfer] = dataclasses.field(default_factory=list)
    delay_ms: int = 0
    conditions: list[tuple[str, str]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TestCase:
    name: str
    steps: list[Step]
    properties: dict[str, str]


@dataclasses.dataclass
class Interface:
    name: str
    soap_version: str  # "1_1" | "1_2"
    binding: str
    actions: dict[str, str]
    calls: list[Request]


@dataclasses.dataclass
class Project:
    name: str
    properties: dict[str, str]
    interfaces: dict[str, Interface]
    suite_properties: dict[str, str]
    cases: list[TestCase]

    def case(self, name: str) -> TestCase:
        (case,) = [c for c in self.cases if c.name == name]
        return case

    def request_steps(self) -> list[Request]:
        return [s.request for c in self.cases for s in c.steps if s.request is not None]


def _properties(parent: etree._Element) -> dict[str, str]:
    found = parent.find(_c("properties"))
    if found is None:
        return {}
    return {_text(p, "name"): _text(p, "value") for p in found.findall(_c("property"))}


def _assertion(element: etree._Element) -> Assertion:
    kind = element.get("type", "")
    if kind not in KNOWN_ASSERTIONS:
        raise ValueError(
            f"assertion type {kind!r} is not replayed; use one of {sorted(KNOWN_ASSERTIONS)}")
    config = {}
    configuration = element.find(_c("configuration"))
    if configuration is not None:
        config = {etree.QName(child).localname: child.text or "" for child in configuration}
    return Assertion(kind, element.get("name", kind), config)


def _request(element: etree._Element, name: str, interface: str, operation: str) -> Request:
    return Request(
        name=name, interface=interface, operation=operation,
        endpoint=_text(element, "endpoint"), body=_text(element, "request"),
        assertions=[_assertion(a) for a in element.findall(_c("assertion"))],
    )


def _step(element: etree._Element) -> Step:
    kind, name = element.get("type", ""), element.get("name", "")
    config = element.find(_c("config"))
    if kind == "request":
        request = config.find(_c("request"))
        return Step(kind, name, request=_request(
            request, name, _text(config, "interface"), _text(config, "operation")))
    if kind == "transfer":
        transfers = [
            Transfer(_text(t, "name"), _text(t, "sourceStep"), _text(t, "sourcePath"),
                     _text(t, "targetType"), _text(t, "targetStep"))
            for t in config.findall(_c("transfers"))
        ]
        for t in config.findall(_c("transfers")):
            if _text(t, "sourceType") != "Response" or _text(t, "type", "XPATH") != "XPATH":
                raise ValueError(
                    f"transfer {name!r}: only XPath transfers from a Response are replayed")
        return Step(kind, name, transfers=transfers)
    if kind == "delay":
        return Step(kind, name, delay_ms=int(config.findtext("delay") or 0))
    if kind == "goto":
        conditions = []
        for condition in config.findall(_c("condition")):
            if _text(condition, "type", "XPATH") != "XPATH":
                raise ValueError(f"goto {name!r}: only XPATH conditions are replayed")
            conditions.append((_text(condition, "expression"), _text(condition, "targetStep")))
        return Step(kind, name, conditions=conditions)
    raise ValueError(f"test step {name!r} of type {kind!r} is not replayed")


def load_project(path: Path) -> Project:
    root = etree.parse(str(path)).getroot()
    if root.tag != _c("soapui-project"):
        raise ValueError(f"{path} is not a SoapUI project")
    interfaces = {}
    for element in root.findall(_c("interface")):
        name = element.get("name", "")
        actions, calls = {}, []
        for operation in element.findall(_c("operation")):
            op = operation.get("name", "")
            actions[op] = operation.get("action", "")
            calls += [_request(call, call.get("name", ""), name, op)
                      for call in operation.findall(_c("call"))]
        interfaces[name] = Interface(name, element.get("soapVersion", "1_1"),
                                     element.get("bindingName", ""), actions, calls)
    suites = root.findall(_c("testSuite"))
    cases = [
        TestCase(case.get("name", ""), [_step(s) for s in case.findall(_c("testStep"))],
                 _properties(case))
        for suite in suites for case in suite.findall(_c("testCase"))
    ]
    suite_properties: dict[str, str] = {}
    for suite in suites:
        suite_properties.update(_properties(suite))
    return Project(root.get("name", ""), _properties(root), interfaces, suite_properties, cases)


_DECLARE = re.compile(r"\s*declare\s+namespace\s+([\w.-]+)\s*=\s*['\"]([^'\"]*)['\"]\s*;")


def compile_xpath(text: str) -> etree.XPath:
    """SoapUI's ``declare namespace p='uri';`` prologue, then an expression."""
    namespaces = {}
    while True:
        match = _DECLARE.match(text)
        if not match:
            break
        namespaces[match.group(1)] = match.group(2)
        text = text[match.end():]
    return etree.XPath(text.strip(), namespaces=namespaces)


def xpath_value(expression: str, document: etree._Element) -> str | None:
    """The XPath's result as SoapUI compares it: a boolean as true/false, a number without a
    needless fraction, a node as its text (or its XML when it has child elements); None when
    nothing matches."""
    result = compile_xpath(expression)(document)
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, float):
        return str(int(result)) if result.is_integer() else str(result)
    if isinstance(result, str):
        return str(result)
    if not result:
        return None
    first = result[0]
    if isinstance(first, etree._Element):
        if len(first):
            return etree.tostring(first, encoding="unicode")
        return first.text or ""
    return str(first)


def response_schema(wsdl: bytes, namespace: str) -> etree.XMLSchema:
    """The WSDL's schema for ``namespace``, to validate response elements against."""
    root = etree.fromstring(wsdl)
    for schema in root.iter(f"{{{XSD}}}schema"):
        if schema.get("targetNamespace") == namespace:
            return etree.XMLSchema(etree.fromstring(etree.tostring(schema)))
    raise ValueError(f"the WSDL has no schema for {namespace}")


@dataclasses.dataclass
class Exchange:
    status: int
    content_type: str
    text: str
    root: etree._Element | None
    request: bytes

    def describe(self) -> str:
        return (f"request:\n{self.request.decode('utf-8', 'replace')}\n"
                f"response (HTTP {self.status}, {self.content_type}):\n{self.text}")


class Runner:
    """Runs a project's requests and test cases against a server."""

    def __init__(self, project: Project, overrides: dict[str, str], schema: etree.XMLSchema,
                 namespace: str, delay_scale: float = 1.0) -> None:
        self.project = project
        self.properties = dict(project.properties, **overrides)
        self.schema = schema
        self.namespace = namespace
        self.delay_scale = delay_scale
        self.http = requests.Session()

    # -- property expansion ---------------------------------------------------------------------
    def expand(self, text: str, case: dict[str, str] | None = None, depth: int = 0) -> str:
        if depth > 8:
            raise ValueError(f"property expansion does not end: {text!r}")

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            scoped = re.fullmatch(r"#(Project|TestSuite|TestCase)#(.+)", expression)
            if not scoped:
                raise ValueError(f"${{{expression}}} is not replayed (only #Project#, #TestSuite#, "
                                 "#TestCase# properties; override Groovy-valued properties)")
            scope, name = scoped.groups()
            values = {"Project": self.properties, "TestSuite": self.project.suite_properties,
                      "TestCase": case or {}}[scope]
            if name not in values:
                raise ValueError(f"property {scope}#{name} is not defined")
            return self.expand(values[name], case, depth + 1)

        return re.sub(r"\$\{([^}]*)\}", replace, text)

    # -- HTTP -----------------------------------------------------------------------------------
    def send(self, request: Request, case: dict[str, str] | None = None) -> Exchange:
        interface = self.project.interfaces[request.interface]
        action = interface.actions[request.operation]
        body = self.expand(request.body, case).encode("utf-8")
        if interface.soap_version == "1_2":
            headers = {"Content-Type": f'application/soap+xml;charset=UTF-8;action="{action}"'}
        else:
            headers = {"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f'"{action}"'}
        headers["User-Agent"] = USER_AGENT
        response = self.http.post(self.expand(request.endpoint, case), data=body,
                                  headers=headers, timeout=60)
        try:
            root = etree.fromstring(response.content)
        except etree.XMLSyntaxError:
            root = None
        return Exchange(response.status_code, response.headers.get("Content-Type", ""),
                        response.text, root, body)

    # -- assertions -----------------------------------------------------------------------------
    def _body_child(self, exchange: Exchange, interface: Interface) -> etree._Element | None:
        envelope = SOAP12 if interface.soap_version == "1_2" else SOAP11
        if exchange.root is None or exchange.root.tag != f"{{{envelope}}}Envelope":
            return None
        body = exchange.root.find(f"{{{envelope}}}Body")
        return body[0] if body is not None and len(body) else None

    def check(self, assertion: Assertion, exchange: Exchange, interface: Interface,
              case: dict[str, str] | None) -> str | None:
        """None when the assertion holds, else why not."""
        child = self._body_child(exchange, interface)
        is_fault = child is not None and etree.QName(child).localname == "Fault"
        config = assertion.config
        if assertion.type == "SOAP Response":
            return None if child is not None else "not a SOAP response"
        if assertion.type == "SOAP Fault Assertion":  # SoapUI's "Not SOAP Fault"
            return "a SOAP fault" if is_fault else None
        if assertion.type == "Not SOAP Fault Assertion":  # SoapUI's "SOAP Fault"
            return None if is_fault else "not a SOAP fault"
        if assertion.type == "Valid HTTP Status Codes":
            codes = {c.strip() for c in config.get("codes", "").split(",") if c.strip()}
            if str(exchange.status) in codes:
                return None
            return f"HTTP {exchange.status} not in {codes}"
        if assertion.type in ("Simple Contains", "Simple NotContains"):
            if config.get("useRegEx") == "true" or config.get("ignoreCase") == "true":
                return "regex / ignoreCase tokens are not replayed"
            token = self.expand(config.get("token", ""), case)
            present = token in exchange.text
            wanted = assertion.type == "Simple Contains"
            return None if present == wanted else f"{token!r} {'missing' if wanted else 'present'}"
        if assertion.type == "XPath Match":
            if exchange.root is None:
                return "the response is not XML"
            if config.get("allowWildcards") == "true":
                return "wildcards are not replayed"
            path = self.expand(config.get("path", ""), case)
            expected = self.expand(config.get("content", ""), case)
            actual = xpath_value(path, exchange.root)
            if actual is None:
                return f"no match for XPath {path!r}"
            if actual == expected:
                return None
            return f"XPath {path!r} gave {actual!r}, expected {expected!r}"
        if assertion.type == "Schema Compliance":
            if child is None:
                return "no response element"
            if is_fault:
                return None
            if etree.QName(child).namespace != self.namespace:
                return f"response element {child.tag} is outside {self.namespace}"
            document = etree.ElementTree(etree.fromstring(etree.tostring(child)))
            if self.schema.validate(document):
                return None
            return "; ".join(str(error) for error in self.schema.error_log)
        return f"assertion {assertion.type!r} is not replayed"

    def run_request(
        self, request: Request, case: dict[str, str] | None = None
    ) -> tuple[Exchange, list[str]]:
        exchange = self.send(request, case)
        interface = self.project.interfaces[request.interface]
        failures = []
        for assertion in request.assertions:
            why = self.check(assertion, exchange, interface, case)
            if why is not None:
                failures.append(f"[{request.name}] {assertion.name}: {why}")
        return exchange, failures

    # -- test cases -----------------------------------------------------------------------------
    def run_case(self, case: TestCase) -> list[str]:
        """Runs a test case as SoapUI does (stopping at the first failed step); returns the
        failures, each with the exchange that failed."""
        properties = dict(case.properties)
        responses: dict[str, Exchange] = {}
        last: Exchange | None = None
        positions = {step.name: index for index, step in enumerate(case.steps)}
        index = jumps = 0
        while index < len(case.steps):
            step = case.steps[index]
            index += 1
            if step.kind == "request":
                assert step.request is not None
                exchange, failures = self.run_request(step.request, properties)
                responses[step.name] = last = exchange
                if failures:
                    return [*failures, exchange.describe()]
            elif step.kind == "transfer":
                for transfer in step.transfers:
                    source = responses.get(transfer.source_step)
                    if source is None or source.root is None:
                        return [f"[{step.name}] no response from {transfer.source_step!r}"]
                    value = xpath_value(self.expand(transfer.source_path, properties), source.root)
                    if value is None:
                        return [f"[{step.name}] {transfer.source_path!r} matched nothing",
                                source.describe()]
                    if transfer.target_step == "#TestCase#":
                        properties[transfer.target_property] = value
                    elif transfer.target_step == "#Project#":
                        self.properties[transfer.target_property] = value
                    else:
                        return [f"[{step.name}] transfers to {transfer.target_step!r} "
                                "are not replayed"]
            elif step.kind == "delay":
                time.sleep(step.delay_ms / 1000 * self.delay_scale)
            elif step.kind == "goto":
                if last is None or last.root is None:
                    return [f"[{step.name}] no response to evaluate"]
                for expression, target in step.conditions:
                    value = xpath_value(self.expand(expression, properties), last.root)
                    if value not in ("true", "false"):
                        return [f"[{step.name}] condition {expression!r} is not a boolean: "
                                f"{value!r}"]
                    if value == "true":
                        jumps += 1
                        if jumps > MAX_JUMPS:
                            return [f"[{step.name}] still looping after {MAX_JUMPS} jumps",
                                    last.describe()]
                        index = positions[target]
                        break
        return []
