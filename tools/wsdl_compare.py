"""Differences of a served WSDL against a reference summary from ``wsdl_summary.py``.

    python tools/wsdl_compare.py tests/data/dfs.reference-summary.json \\
        http://127.0.0.1:8080/dfs.asmx?WSDL [--operation NAME ...]

prints one line per difference (``served != reference``) and exits 1 if there is any. Only the
operations both sides offer are compared, unless named with ``--operation``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# tools/ is a folder of scripts, not a package: the sibling module is found beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from wsdl_summary import (  # noqa: E402
    operation_names,
    qualified_name,
    read_wsdl,
    summarise,
)

__all__ = ["compare"]

_BUILTIN_PREFIXES = ("s:", "soapenc:")


def _by_name(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items if "name" in item}


def _components(summary: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Top-level schema components by qualified name (as written in references)."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for schema in summary["schemas"]:
        for kind, key in (
            ("element", "elements"),
            ("complexType", "complexTypes"),
            ("simpleType", "simpleTypes"),
        ):
            for item in schema[key]:
                qualified = qualified_name(
                    schema["targetNamespace"], item["name"], summary["targetNamespace"]
                )
                found[f"{kind} {qualified}"] = (kind, item)
    return found


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if value is None:
        return "(none)"
    return str(value)


def _local(qualified: str | None) -> str:
    return (qualified or "").split(":")[-1].split("}")[-1]


class _Comparer:
    """Collects differences ``served != reference``, one line each, prefixed by operation."""

    def __init__(self, reference: dict[str, Any], served: dict[str, Any]) -> None:
        self.ref = reference
        self.srv = served
        self.ref_components = _components(reference)
        self.srv_components = _components(served)
        self.lines: list[str] = []
        self.seen: set[str] = set()

    def diff(self, where: str, what: str, served: Any, reference: Any) -> None:
        if served != reference:
            self.lines.append(f"{where} {what} {_show(served)} != {_show(reference)}")

    # wsdl level

    def global_parts(self) -> None:
        self.diff(
            "definitions",
            "targetNamespace",
            self.srv["targetNamespace"],
            self.ref["targetNamespace"],
        )
        self.diff(
            "definitions",
            "documentation present",
            self.srv["documentation"],
            self.ref["documentation"],
        )
        self.diff(
            "definitions",
            "services",
            [s["name"] for s in self.srv["services"]],
            [s["name"] for s in self.ref["services"]],
        )
        served_services = _by_name(self.srv["services"])
        for ref_service in self.ref["services"]:
            srv_service = served_services.get(ref_service["name"])
            if srv_service is None:
                continue
            where = f"service {ref_service['name']}"
            self.diff(
                where,
                "documentation present",
                srv_service["documentation"],
                ref_service["documentation"],
            )
            self.diff(
                where,
                "ports",
                [p["name"] for p in srv_service["ports"]],
                [p["name"] for p in ref_service["ports"]],
            )
            served_ports = _by_name(srv_service["ports"])
            for ref_port in ref_service["ports"]:
                srv_port = served_ports.get(ref_port["name"])
                if srv_port is not None:
                    for key in ("binding", "address"):
                        self.diff(
                            f"{where} port {ref_port['name']}",
                            key,
                            srv_port.get(key),
                            ref_port.get(key),
                        )
        reference_schemas = {s["targetNamespace"]: s for s in self.ref["schemas"]}
        for srv_schema in self.srv["schemas"]:
            ref_schema = reference_schemas.get(srv_schema["targetNamespace"])
            if ref_schema is not None:
                for key in ("elementFormDefault", "imports"):
                    self.diff(
                        f"schema {srv_schema['targetNamespace']}",
                        key,
                        srv_schema.get(key),
                        ref_schema.get(key),
                    )
        served_bindings = _by_name(self.srv["bindings"])
        for ref_binding in self.ref["bindings"]:
            srv_binding = served_bindings.get(ref_binding["name"])
            if srv_binding is not None:
                for key in ("type", "kind", "transport", "style", "verb"):
                    self.diff(
                        f"binding {ref_binding['name']}",
                        key,
                        srv_binding.get(key),
                        ref_binding.get(key),
                    )

    def operation_order(self, operations: list[str]) -> None:
        """Served operations must appear in the reference's relative order in each list."""
        for kind, key in (("portType", "portTypes"), ("binding", "bindings")):
            served_lists = _by_name(self.srv[key])
            for ref_item in self.ref[key]:
                srv_item = served_lists.get(ref_item["name"])
                if srv_item is None:
                    continue
                served_order = [
                    o["name"] for o in srv_item["operations"] if o["name"] in operations
                ]
                ref_names = [o["name"] for o in ref_item["operations"]]
                ref_order = [n for n in ref_names if n in served_order]
                served_known = [n for n in served_order if n in ref_names]
                self.diff(f"{kind} {ref_item['name']}", "operation order", served_known, ref_order)

    def operation(self, name: str) -> None:
        for kind, key in (("portType", "portTypes"), ("binding", "bindings")):
            served_lists = _by_name(self.srv[key])
            reference_lists = _by_name(self.ref[key])
            for list_name in list(reference_lists) + [
                n for n in served_lists if n not in reference_lists
            ]:
                ref_op = _by_name(reference_lists.get(list_name, {}).get("operations", [])).get(
                    name
                )
                srv_op = _by_name(served_lists.get(list_name, {}).get("operations", [])).get(name)
                where = f"{name}: {kind} {list_name}"
                if ref_op is None and srv_op is None:
                    continue
                if srv_op is None:
                    self.lines.append(f"{where}: not offered (the reference offers it)")
                elif ref_op is None:
                    self.lines.append(f"{where}: offered (the reference does not offer it)")
                elif kind == "binding":
                    for attribute in (
                        "soapAction",
                        "style",
                        "location",
                        "input",
                        "output",
                        "faults",
                    ):
                        self.diff(where, attribute, srv_op.get(attribute), ref_op.get(attribute))
                else:
                    self.diff(
                        where,
                        "documentation present",
                        srv_op["documentation"],
                        ref_op["documentation"],
                    )
                    for direction in ("input", "output"):
                        self.diff(
                            where,
                            f"{direction} message",
                            srv_op.get(direction),
                            ref_op.get(direction),
                        )
                        self.message(name, srv_op.get(direction), ref_op.get(direction))

    def message(self, operation: str, served_name: str | None, ref_name: str | None) -> None:
        if ref_name is None or served_name is None:
            return
        key = f"message {ref_name}"
        if key in self.seen:
            return
        self.seen.add(key)
        srv_message = _by_name(self.srv["messages"]).get(_local(served_name))
        ref_message = _by_name(self.ref["messages"]).get(_local(ref_name))
        where = f"{operation}: message {_local(ref_name)}"
        if ref_message is None:
            self.lines.append(f"{where}: missing in the reference summary")
            return
        if srv_message is None:
            self.lines.append(f"{where}: missing")
            return
        self.diff(
            where,
            "parts",
            [p["name"] for p in srv_message["parts"]],
            [p["name"] for p in ref_message["parts"]],
        )
        served_parts = _by_name(srv_message["parts"])
        for ref_part in ref_message["parts"]:
            srv_part = served_parts.get(ref_part["name"])
            if srv_part is None:
                continue
            for attribute in ("element", "type"):
                self.diff(
                    f"{where}/{ref_part['name']}",
                    attribute,
                    srv_part.get(attribute),
                    ref_part.get(attribute),
                )
            if ref_part.get("element"):
                self.component(operation, "element", ref_part["element"])
            if ref_part.get("type"):
                self.type_reference(operation, ref_part["type"])

    # schema level

    def type_reference(self, operation: str, qualified: str | None) -> None:
        if not qualified or qualified.startswith(_BUILTIN_PREFIXES):
            return
        kind = "complexType" if f"complexType {qualified}" in self.ref_components else "simpleType"
        self.component(operation, kind, qualified)

    def component(self, operation: str, kind: str, qualified: str) -> None:
        key = f"{kind} {qualified}"
        if key in self.seen:
            return
        self.seen.add(key)
        where = f"{operation}: {kind} {_local(qualified)}"
        ref_item = self.ref_components.get(key)
        srv_item = self.srv_components.get(key)
        if ref_item is None:
            self.lines.append(f"{where}: missing in the reference summary")
            return
        if srv_item is None:
            other = [k for k in self.srv_components if k.endswith(f" {qualified}")]
            found = f" (served as {other[0].split()[0]})" if other else ""
            self.lines.append(f"{where}: missing{found}")
            return
        ref_body, srv_body = ref_item[1], srv_item[1]
        if kind == "simpleType":
            self.diff(where, "base", srv_body.get("base"), ref_body.get("base"))
            self.diff(
                where, "enumeration", srv_body.get("enumeration"), ref_body.get("enumeration")
            )
            return
        if kind == "element":
            self.diff(where, "type", srv_body.get("type"), ref_body.get("type"))
            self.diff(where, "nillable", srv_body.get("nillable"), ref_body.get("nillable"))
            self.diff(
                where, "inline complexType", "complexType" in srv_body, "complexType" in ref_body
            )
            self.type_reference(operation, ref_body.get("type"))
            if "complexType" in ref_body and "complexType" in srv_body:
                self.complex_body(
                    operation,
                    f"{operation}: element {ref_body['name']}",
                    srv_body["complexType"],
                    ref_body["complexType"],
                )
            return
        self.complex_body(operation, where, srv_body, ref_body)

    def complex_body(
        self, operation: str, where: str, served: dict[str, Any], reference: dict[str, Any]
    ) -> None:
        keys = [k for k in reference if k != "name"] + [
            k for k in served if k not in reference and k != "name"
        ]
        for key in keys:
            ref_value, srv_value = reference.get(key), served.get(key)
            if key in ("sequence", "all", "choice"):
                self.particles(operation, where, key, srv_value or [], ref_value or [])
            elif key in ("complexContent", "simpleContent") and ref_value and srv_value:
                for attribute in ("mixed", "restriction", "extension", "attributes"):
                    self.diff(
                        where,
                        f"{key} {attribute}",
                        srv_value.get(attribute),
                        ref_value.get(attribute),
                    )
                for base in ("restriction", "extension"):
                    self.type_reference(operation, ref_value.get(base))
                self.particles(
                    operation,
                    f"{where} {key}",
                    "sequence",
                    srv_value.get("sequence") or [],
                    ref_value.get("sequence") or [],
                )
            else:
                self.diff(where, key, srv_value, ref_value)

    def particles(
        self,
        operation: str,
        where: str,
        group: str,
        served: list[dict[str, Any]],
        reference: list[dict[str, Any]],
    ) -> None:
        def label(p: dict[str, Any]) -> str:
            return p.get("name") or p.get("ref") or p.get("particle", "?")

        self.diff(
            where, f"{group} elements", [label(p) for p in served], [label(p) for p in reference]
        )
        served_by_label = {label(p): p for p in served}
        for ref_particle in reference:
            srv_particle = served_by_label.get(label(ref_particle))
            if srv_particle is None:
                continue
            for attribute in ("type", "ref", "minOccurs", "maxOccurs", "nillable"):
                self.diff(
                    f"{where}/{label(ref_particle)}",
                    attribute,
                    srv_particle.get(attribute),
                    ref_particle.get(attribute),
                )
            self.type_reference(operation, ref_particle.get("type"))
            if ref_particle.get("ref"):
                self.component(operation, "element", ref_particle["ref"])


def compare(
    reference: dict[str, Any], served: dict[str, Any], operations: Iterable[str] | None = None
) -> list[str]:
    """Every difference of ``served`` against ``reference``, one line each.

    Restricted to ``operations`` (default: every operation both offer; a served WSDL may be a
    superset of the reference, COMPAT 4, and an operation absent from the reference has nothing
    to be compared with; named explicitly, it is reported as a difference): for each, its
    presence in every portType and binding of either side, soapAction, style, HTTP location,
    encodings, messages and parts, and every element and type they use, recursively
    (sequence order, type, minOccurs, maxOccurs, nillable, enumeration values). Service, port
    and binding names and kinds are compared as a whole. Lines read ``served != reference``.
    """
    known = set(operation_names(reference))
    if operations is None:
        names = [name for name in operation_names(served) if name in known]
    else:
        names = list(operations)
    comparer = _Comparer(reference, served)
    comparer.global_parts()
    for name in names:
        if name not in known:
            comparer.lines.append(f"{name}: not an operation of the reference")
    comparer.operation_order(names)
    for name in names:
        comparer.operation(name)
    return comparer.lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("summary", help="reference summary (JSON from wsdl_summary.py)")
    parser.add_argument("wsdl", help="WSDL file, http(s) URL, or - for standard input")
    parser.add_argument("--operation", action="append", help="compare these (repeatable)")
    args = parser.parse_args(argv)
    reference = json.loads(Path(args.summary).read_text(encoding="utf-8"))
    lines = compare(reference, summarise(read_wsdl(args.wsdl)), args.operation)
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
