#!/usr/bin/env python3
"""The WSDL engine's costs: loading a contract, and one generated or stubbed answer per call.

    .venv/bin/python benchmarks/contract_engine.py                  # the vendor snapshot (else the fixture)
    .venv/bin/python benchmarks/contract_engine.py --wsdl PATH      # any WSDL
    .venv/bin/python benchmarks/contract_engine.py --compare        # also the other candidate engines
    .venv/bin/python benchmarks/contract_engine.py --quick --json   # a smoke run, JSON out

Each figure is the median of several runs. Load times are for a process that has already
imported lxml and the engine (``import`` is reported apart). Per-call figures are for a
warm plan (the first call of an operation builds its plan; that cost is reported apart too):
"generated" is the minimal answer of every operation in turn; "stubbed" renders a checked
stub (``PwsGetProject`` with a project whose detail sets two members on the vendor
snapshot, the fixture's ``PwsGetWidget`` otherwise); "read" reads a small request.
``--compare`` loads the snapshot with zeep and xmlschema when they are installed (neither
is a dependency) and tries spyne's own XML Schema parser, for the record of why the engine
is its own model over lxml. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT.parent / "shared" / "reference" / "projector-wsdl-2019" / "PwsProjectorServices.wsdl"
FIXTURE = ROOT / "fixtures" / "wsdl" / "Fixture.wsdl"
TIMESTAMP = "2021-12-08T16:19:04.5684513Z"
SVC = "http://projectorpsa.com/PwsProjectorServices/"


def _median_s(fn: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _per_call_us(fn: Callable[[], Any], calls: int, rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(samples)


def engine(wsdl: Path, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    import fakeprojector  # noqa: F401 - the package itself (server, spyne, werkzeug): not the engine's cost

    package = time.perf_counter() - started
    started = time.perf_counter()
    from fakeprojector.wsdl import load_contract, read_request, render_answer, validate_respond

    imported = time.perf_counter() - started
    runs = 3 if quick else 7
    load_s = _median_s(lambda: load_contract(wsdl), runs)
    contract = load_contract(wsdl)
    compile_s = _median_s(contract.xml_schema, 1)  # the first call compiles; later ones are cached
    ops = list(contract.operations.values())
    started = time.perf_counter()
    for op in ops:
        render_answer(contract, op, request_id=1, timestamp=TIMESTAMP)
    first_calls_ms = (time.perf_counter() - started) * 1e3

    state = {"i": 0}

    def generated() -> bytes:
        op = ops[state["i"] % len(ops)]
        state["i"] += 1
        return render_answer(contract, op, request_id=1, timestamp=TIMESTAMP)

    if "PwsGetProject" in contract.operations:
        stub_op = contract.operation("PwsGetProject")
        respond: dict[str, Any] = {
            "Projects": [{"ProjectDetail": {"Description": "Apollo", "MinutesPerDay": 480}}]
        }
        members = (
            '<s:Mode xmlns:s="http://projectorpsa.com/DataContracts/Shared/Scheduling/">Full</s:Mode>'
            '<s:ProjectIdentities xmlns:s="http://projectorpsa.com/DataContracts/Shared/Scheduling/" '
            'xmlns:c="http://projectorpsa.com/DataContracts/Shared/Common/"><c:PwsProjectRef>'
            "<c:ProjectCode>P-1</c:ProjectCode></c:PwsProjectRef></s:ProjectIdentities>"
        )
    else:
        stub_op = contract.operation("PwsGetWidget")
        respond = {"Widget": {"Name": "Sprocket", "Parts": [{"Label": "a"}, {"PartNumber": 2}]}}
        members = (
            '<w:WidgetCode xmlns:w="http://fakeprojector.example/DataContracts/Widgets/">W-1</w:WidgetCode>'
        )
    check_us = _per_call_us(lambda: validate_respond(contract, stub_op, respond), 200 if quick else 2000)
    checked = validate_respond(contract, stub_op, respond)

    from lxml import etree

    wrapper = etree.fromstring(
        f'<{stub_op.name} xmlns="{SVC}" xmlns:r="http://projectorpsa.com/DataContracts/Requests/">'
        f"<{stub_op.parameter.name}><r:RequestId>5</r:RequestId><r:SessionTicket>T</r:SessionTicket>"
        f"{members}</{stub_op.parameter.name}></{stub_op.name}>".encode()
    )
    calls = 200 if quick else 5000
    answer = render_answer(contract, stub_op, checked, request_id=1, timestamp=TIMESTAMP)
    valid = _all_valid(contract, ops, render_answer)
    return {
        "wsdl": str(wsdl),
        "operations": len(ops),
        "types": len(contract.types),
        "import_fakeprojector_s": round(package, 4),
        "import_engine_s": round(imported, 4),
        "load_s": round(load_s, 4),
        "xml_schema_compile_s (tests only)": round(compile_s, 4),
        "first_call_of_every_operation_ms": round(first_calls_ms, 2),
        "generated_answer_us": round(_per_call_us(generated, calls), 2),
        "stub_check_at_add_us": round(check_us, 2),
        "stubbed_answer_us": round(
            _per_call_us(
                lambda: render_answer(contract, stub_op, checked, request_id=1, timestamp=TIMESTAMP), calls
            ),
            2,
        ),
        "stubbed_answer_bytes": len(answer),
        "read_request_us": round(_per_call_us(lambda: read_request(contract, stub_op, wrapper), calls), 2),
        "minimal_answers_valid": valid,
    }


def _all_valid(contract: Any, ops: list[Any], render_answer: Any) -> str:
    from lxml import etree

    schema = contract.xml_schema()
    good = 0
    for op in ops:
        body = etree.fromstring(render_answer(contract, op, request_id=1, timestamp=TIMESTAMP))[0][0]
        good += schema.validate(etree.ElementTree(etree.fromstring(etree.tostring(body))))
    return f"{good}/{len(ops)}"


# --- the candidates we did not choose ----------------------------------------------------
def _xsd_files(wsdl: Path) -> dict[str, Path]:
    """``?xsd=xsdN`` address suffix -> file, from the snapshot's README table."""
    readme = wsdl.parent / "README.md"
    pairs = re.findall(r"\| (\S+\.xsd) \| \?xsd=(xsd\d+) \|", readme.read_text(encoding="utf-8"))
    return {suffix: wsdl.parent / name for name, suffix in pairs}


def compare(wsdl: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    files = _xsd_files(wsdl)

    def local(url: str) -> Path | None:
        found = re.search(r"\?xsd=(xsd\d+)$", url or "")
        return files.get(found.group(1)) if found else None

    from lxml import etree

    class Resolver(etree.Resolver):  # type: ignore[misc]
        def resolve(self, url: str, pubid: str, context: Any) -> Any:
            path = local(url)
            return self.resolve_filename(str(path), context) if path else None

    def lxml_compile() -> Any:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(Resolver())
        return etree.XMLSchema(etree.parse(str(files["xsd0"]), parser))

    out["lxml_xmlschema_compile_s"] = round(_median_s(lxml_compile, 3), 4)
    try:
        import zeep
        from zeep.transports import Transport

        class OfflineTransport(Transport):  # type: ignore[misc]
            def load(self, url: str) -> bytes:
                path = local(url)
                return (path or Path(url)).read_bytes()

        out["zeep_load_s"] = round(
            _median_s(lambda: zeep.Client(str(wsdl), transport=OfflineTransport()), 3), 4
        )
        client = zeep.Client(str(wsdl), transport=OfflineTransport())
        schema = lxml_compile()
        valid, started = 0, time.perf_counter()
        operations = client.service._binding._operations
        for op in operations.values():
            element = op.output.body
            result = element.type.elements[0][1]
            node = etree.Element("root")
            element.render(node, element.type(**{result.name: result.type(ResponseId=0, Status="Ok")}))
            valid += schema.validate(etree.ElementTree(node[0]))
        out["zeep_minimal_answer_us"] = round((time.perf_counter() - started) / len(operations) * 1e6, 2)
        out["zeep_minimal_answers_valid"] = (
            f"{valid}/{len(operations)} (members it omits are not WCF's shape)"
        )
    except ImportError:
        out["zeep"] = "not installed"
    try:
        import xmlschema

        def mapper(url: str) -> str:
            path = local(url)
            return str(path) if path else url

        out["xmlschema_load_s"] = round(
            _median_s(lambda: xmlschema.XMLSchema(str(files["xsd0"]), uri_mapper=mapper, allow="local"), 3), 4
        )
    except ImportError:
        out["xmlschema"] = "not installed (pip install xmlschema to measure it)"
    out["spyne_parser"] = _spyne_parser(files)
    return out


def _spyne_parser(files: dict[str, Path]) -> str:
    """spyne's XML Schema parser on copies whose imports name the files (it cannot map URLs)."""
    import tempfile

    from lxml import etree
    from spyne.util.xml import parse_schema_file

    import fakeprojector._compat  # noqa: F401 - spyne's six on 3.12+

    with tempfile.TemporaryDirectory() as tmp:
        by_ns = {}
        for path in files.values():
            text = re.sub(
                r'schemaLocation="https://[^"]*\?xsd=(xsd\d+)"',
                lambda m: f'schemaLocation="{files[m.group(1)].name}"',
                path.read_text(encoding="utf-8-sig"),
            )
            (Path(tmp) / path.name).write_text(text, encoding="utf-8")
            by_ns[etree.fromstring(text.encode()).get("targetNamespace")] = str(Path(tmp) / path.name)
        try:
            parse_schema_file(str(Path(tmp) / files["xsd0"].name), files=by_ns)
        except Exception as exc:
            return f"fails: {type(exc).__name__}: {exc} (WCF declares prefixes on each element)"
    return "parsed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wsdl", type=Path, default=VENDOR if VENDOR.is_file() else FIXTURE)
    parser.add_argument("--compare", action="store_true", help="also measure zeep, xmlschema, spyne's parser")
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"engine": engine(args.wsdl, args.quick)}
    if args.compare and args.wsdl == VENDOR:
        results["candidates"] = compare(args.wsdl)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for section, values in results.items():
            print(f"[{section}]")
            for key, value in values.items():
                print(f"  {key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
