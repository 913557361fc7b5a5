"""Loading: the three ways schemas travel, the model built from them, and clear refusals."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from lxml import etree

from fakeprojector.contract import NS_XSD
from fakeprojector.wsdl import ComplexType, ContractError, SimpleType, load_contract, render_answer
from tests.wsdl.conftest import FIXTURE_WSDL, schema_errors

SVC = "http://projectorpsa.com/PwsProjectorServices/"
REQ = "http://projectorpsa.com/DataContracts/Requests/"
COMMON = "http://projectorpsa.com/DataContracts/Shared/Common/"
CS = "http://projectorpsa.com/CommonServices/"
RSP = "http://projectorpsa.com/DataContracts/Responses/"
WIDGETS = "http://fakeprojector.example/DataContracts/Widgets/"
XSD_ADDRESS = re.compile(r'schemaLocation="http://localhost/Fixture\.svc\?xsd=(xsd\d+)"')


def _copy_bundle(tmp_path: Path) -> Path:
    for f in FIXTURE_WSDL.parent.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / FIXTURE_WSDL.name


def _relative_variant(tmp_path: Path) -> Path:
    """The bundle with every ``?xsd=xsdN`` import rewritten to a relative file name."""
    wsdl = _copy_bundle(tmp_path)
    for f in tmp_path.iterdir():
        f.write_text(
            XSD_ADDRESS.sub(r'schemaLocation="Fixture.\1.xsd"', f.read_text(encoding="utf-8")), "utf-8"
        )
    return wsdl


def _inline_variant(tmp_path: Path) -> Path:
    """One WSDL file with every schema inline in ``wsdl:types`` and imports without locations.

    Spliced as text: re-parenting the schema elements with lxml could drop the ``xs`` prefix
    declarations that ``type="xs:string"`` values need.
    """
    schemas = []
    for xsd in sorted(FIXTURE_WSDL.parent.glob("*.xsd")):
        text = xsd.read_text("utf-8").split("?>", 1)[1]
        schemas.append(re.sub(r' schemaLocation="[^"]*"', "", text))
    wsdl = FIXTURE_WSDL.read_text("utf-8")
    wsdl = re.sub(
        r"<wsdl:types>.*</wsdl:types>",
        lambda _: f"<wsdl:types>{''.join(schemas)}</wsdl:types>",
        wsdl,
        flags=re.S,
    )
    target = tmp_path / "Inline.wsdl"
    target.write_text(wsdl, "utf-8")
    return target


def _shape(contract):  # type: ignore[no-untyped-def]
    return (
        dict(contract.operations),
        {k: v for k, v in contract.types.items() if not k[1].endswith("(anonymous)")},
    )


def _strip_sources(shape):  # type: ignore[no-untyped-def]
    ops, types = shape
    return ops, {
        k: (v.members, v.bases) if isinstance(v, ComplexType) else (v.kind, v.enumeration)
        for k, v in types.items()
    }


# --- the fixture bundle ------------------------------------------------------------------
def test_fixture_bundle_operations(fixture_contract):
    assert set(fixture_contract.operations) == {
        "PwsAuthenticate",
        "PwsUnauthenticate",
        "PwsGetWidget",
        "PwsSaveWidgets",
        "PwsPing",
    }
    save = fixture_contract.operation("PwsSaveWidgets")
    assert save.action == f"{SVC}IPwsProjectorServices/PwsSaveWidgets"
    assert save.output_action == f"{SVC}IPwsProjectorServices/PwsSaveWidgetsResponse"
    assert save.input == (SVC, "PwsSaveWidgets")
    assert save.output == (SVC, "PwsSaveWidgetsResponse")
    assert (save.parameter.name, save.parameter.namespace, save.parameter.type) == (
        "rq",
        SVC,
        (WIDGETS, "PwsSaveWidgetsRq"),
    )
    assert (save.result.name, save.result.type) == ("PwsSaveWidgetsResult", (WIDGETS, "PwsSaveWidgetsRs"))
    assert [(f.name, f.element) for f in save.faults] == [("PwsFaultFault", (COMMON, "PwsFault"))]
    assert save.faults[0].action == f"{SVC}IPwsProjectorServices/PwsSaveWidgetsPwsFaultFault"
    assert fixture_contract.operation_for_action(f'"{SVC}IPwsProjectorServices/PwsPing"').name == "PwsPing"
    assert fixture_contract.operation_for_action("urn:nothing") is None
    with pytest.raises(KeyError, match=r"Fixture.wsdl has no operation 'PwsNope'"):
        fixture_contract.operation("PwsNope")


def test_session_ticket_comes_from_the_pws_request_base(fixture_contract):
    ops = fixture_contract.operations
    assert {name for name, op in ops.items() if op.session_ticket} == {
        "PwsAuthenticate",
        "PwsUnauthenticate",
        "PwsGetWidget",
        "PwsSaveWidgets",
    }


def test_members_are_flattened_base_first_each_in_its_schema_namespace(fixture_contract):
    rq = fixture_contract.complex_type((WIDGETS, "PwsSaveWidgetsRq"))
    assert [(m.name, m.namespace) for m in rq.members] == [
        ("RequestId", REQ),
        ("SessionTicket", REQ),
        ("EffectiveDate", WIDGETS),
        ("Widgets", WIDGETS),
        ("DefaultColor", WIDGETS),
    ]
    assert rq.bases == ((REQ, "PwsRequest"), (COMMON, "PwsBase"))
    effective = rq.members[2]
    assert effective.required
    assert not effective.nillable
    assert effective.type == (NS_XSD, "dateTime")
    detail = fixture_contract.complex_type((WIDGETS, "PwsWidgetDetail"))
    assert detail.bases == ((WIDGETS, "PwsWidget"), (COMMON, "PwsBase"))
    assert detail.members[-1].name == "Notes"
    assert detail.members[0].name == "WidgetCode"


def test_arrays_and_simple_types(fixture_contract):
    parts = fixture_contract.complex_type((WIDGETS, "ArrayOfPwsWidgetPart"))
    assert parts.array_item is not None
    assert parts.array_item.name == "PwsWidgetPart"
    assert fixture_contract.complex_type((WIDGETS, "PwsWidgetPart")).array_item is None
    strings = fixture_contract.complex_type(
        ("http://schemas.microsoft.com/2003/10/Serialization/Arrays", "ArrayOfstring")
    )
    assert strings.array_item is not None
    assert strings.array_item.type == (NS_XSD, "string")
    color = fixture_contract.simple_type((WIDGETS, "WidgetColor"))
    assert (color.kind, color.enumeration) == ("string", ("Red", "Green", "Blue"))
    ser = "http://schemas.microsoft.com/2003/10/Serialization/"
    assert fixture_contract.simple_type((ser, "guid")).kind == "guid"
    assert fixture_contract.simple_type((ser, "guid")).clr_name == "Guid"
    assert fixture_contract.simple_type((ser, "duration")).kind == "duration"
    assert fixture_contract.simple_type((ser, "char")).kind == "char"
    assert isinstance(fixture_contract.types[(NS_XSD, "long")], SimpleType)


def test_documents_are_kept_for_serving_in_import_order(fixture_contract):
    docs = fixture_contract.schemas
    assert [d.source for d in docs] == [
        "Fixture.xsd0.xsd",
        "Fixture.xsd3.xsd",
        "Fixture.xsd1.xsd",
        "Fixture.xsd2.xsd",
        "Fixture.xsd4.xsd",
        "Fixture.xsd5.xsd",
        "Fixture.xsd6.xsd",
        "Fixture.xsd7.xsd",
    ]
    assert docs[0].namespace == SVC
    assert docs[0].location == "http://localhost/Fixture.svc?xsd=xsd0"
    assert all(d.root.tag == f"{{{NS_XSD}}}schema" for d in docs)
    assert fixture_contract.wsdl.tag == "{http://schemas.xmlsoap.org/wsdl/}definitions"
    assert fixture_contract.requires_https
    assert fixture_contract.address == "https://localhost/Fixture.svc"


def test_the_three_forms_of_schemas_give_the_same_model(fixture_contract, tmp_path):
    (tmp_path / "rel").mkdir()
    relative = load_contract(_relative_variant(tmp_path / "rel"))
    inline = load_contract(_inline_variant(tmp_path))
    expected = _strip_sources(_shape(fixture_contract))
    assert _strip_sources(_shape(relative)) == expected
    assert _strip_sources(_shape(inline)) == expected
    assert [d.source for d in inline.schemas] == ["Inline.wsdl"] * 8
    for contract in (relative, inline):
        answer = render_answer(
            contract,
            contract.operation("PwsGetWidget"),
            {"Widget": {}},
            request_id=1,
            timestamp="2024-01-01T00:00:00Z",
        )
        assert schema_errors(contract, answer) == []
    assert relative.schemas[0].location == "Fixture.xsd0.xsd"


def test_relative_schema_location_wins_over_the_folder_scan(tmp_path):
    """A relative location is followed, even to a subfolder; no other .xsd is read."""
    wsdl = _relative_variant(tmp_path)
    sub = tmp_path / "sub"
    sub.mkdir()
    (tmp_path / "Fixture.xsd6.xsd").rename(sub / "Fixture.xsd6.xsd")
    for f in [wsdl, *tmp_path.glob("*.xsd")]:
        f.write_text(f.read_text("utf-8").replace('"Fixture.xsd6.xsd"', '"sub/Fixture.xsd6.xsd"'), "utf-8")
    (tmp_path / "broken.xsd").write_text("<not xml", "utf-8")
    contract = load_contract(wsdl)
    assert "Fixture.xsd6.xsd" in [d.source for d in contract.schemas]


def test_loading_is_offline_and_fast(fixture_contract):
    assert all("Fixture" in d.source for d in fixture_contract.schemas)
    started = time.perf_counter()
    load_contract(FIXTURE_WSDL)
    assert time.perf_counter() - started < 1.0


# --- refusals ----------------------------------------------------------------------------
def _break(tmp_path: Path, name: str, old: str, new: str) -> Path:
    wsdl = _copy_bundle(tmp_path)
    target = tmp_path / name
    text = target.read_text("utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), "utf-8")
    return wsdl


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "Fixture.wsdl",
            'message="tns:IPwsProjectorServices_PwsPing_InputMessage"',
            'message="tns:Missing"',
            "Fixture.wsdl: wsdl:operation 'PwsPing': input message 'tns:Missing' is not defined",
        ),
        (
            "Fixture.xsd2.xsd",
            '<xs:complexType name="PwsPingRq">\n    <xs:sequence>',
            '<xs:complexType name="PwsPingRq">\n    <xs:choice>',
            "Fixture.xsd2.xsd: not well-formed XML",
        ),
        (
            "Fixture.xsd7.xsd",
            '<xs:element minOccurs="0" name="Notes" nillable="true" type="xs:string" />',
            '<xs:choice><xs:element name="Notes" type="xs:string" /></xs:choice>',
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetDetail': unsupported xs:choice",
        ),
        (
            "Fixture.xsd7.xsd",
            '<xs:element minOccurs="0" name="Notes" nillable="true" type="xs:string" />',
            "<xs:any />",
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetDetail': unsupported xs:any",
        ),
        (
            "Fixture.xsd7.xsd",
            '<xs:complexType name="PwsWidgetPart">',
            '<xs:complexType name="PwsWidgetPart" abstract="true">',
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetPart': unsupported abstract type",
        ),
        (
            "Fixture.xsd7.xsd",
            '<xs:element name="PwsWidget" nillable="true" type="tns:PwsWidget" />',
            '<xs:element name="PwsWidget" nillable="true" type="tns:PwsWidget" substitutionGroup="tns:X" />',
            "Fixture.xsd7.xsd: xs:element 'PwsWidget': unsupported substitutionGroup",
        ),
        (
            "Fixture.xsd7.xsd",
            'name="Notes" nillable="true" type="xs:string"',
            'name="Notes" nillable="true" type="tns:Nothing"',
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetDetail': element 'Notes' has type 'Nothing' of namespace "
            "'http://fakeprojector.example/DataContracts/Widgets/', which is not defined",
        ),
        (
            "Fixture.xsd7.xsd",
            'name="Notes" nillable="true" type="xs:string"',
            'name="Notes" nillable="true" type="zz:Nothing"',
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetDetail': prefix 'zz' of 'zz:Nothing' is not declared",
        ),
        (
            "Fixture.xsd7.xsd",
            '<xs:extension base="tns:PwsWidget">',
            '<xs:extension base="tns:PwsWidgetDetail">',
            "Fixture.xsd7.xsd: xs:complexType 'PwsWidgetDetail': extension chain loops back to itself",
        ),
        (
            "Fixture.xsd0.xsd",
            '<xs:element name="PwsPingResponse">',
            '<xs:element name="PwsPingResponseX">',
            "Fixture.wsdl: wsdl:operation 'PwsPing': output element '{http://projectorpsa.com/PwsProjectorServices/}"
            "PwsPingResponse' is not declared in any schema",
        ),
    ],
)
def test_unusable_contracts_are_refused_naming_file_element_and_problem(tmp_path, name, old, new, message):
    with pytest.raises(ContractError) as info:
        load_contract(_break(tmp_path, name, old, new))
    assert str(info.value).startswith(message)


def test_a_namespace_without_a_schema_names_the_folder(tmp_path):
    wsdl = _copy_bundle(tmp_path)
    (tmp_path / "Fixture.xsd6.xsd").unlink()
    with pytest.raises(ContractError) as info:
        load_contract(wsdl)
    assert str(info.value) == (
        "no schema for namespace http://schemas.microsoft.com/2003/10/Serialization/Arrays imported by "
        f"Fixture.wsdl (looked for .xsd files with that targetNamespace in {tmp_path.resolve()})"
    )


def test_a_relative_location_that_is_missing_is_named(tmp_path):
    wsdl = _relative_variant(tmp_path)
    (tmp_path / "Fixture.xsd6.xsd").unlink()
    with pytest.raises(
        ContractError,
        match=r"Fixture.wsdl: xs:import of namespace .*Arrays: schemaLocation 'Fixture.xsd6.xsd' not found",
    ):
        load_contract(wsdl)


def test_a_dtd_is_refused_and_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", "utf-8")
    wsdl = _copy_bundle(tmp_path)
    text = wsdl.read_text("utf-8").replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>',
    )
    wsdl.write_text(text, "utf-8")
    with pytest.raises(ContractError, match=r"Fixture.wsdl: a DTD is not allowed"):
        load_contract(wsdl)


def test_not_a_wsdl(tmp_path):
    path = tmp_path / "x.wsdl"
    path.write_text("<a/>", "utf-8")
    with pytest.raises(ContractError, match=r"x.wsdl: not a WSDL 1.1 document \(root element 'a'\)"):
        load_contract(path)
    with pytest.raises(ContractError, match=r"nope.wsdl: cannot be read"):
        load_contract(tmp_path / "nope.wsdl")


def test_inline_schema_relying_on_the_wsdl_root_prefixes_stands_alone(tmp_path):
    wsdl = _inline_variant(tmp_path)
    text = wsdl.read_text("utf-8").replace('type="xs:string"', 'type="xsd:string"')
    wsdl.write_text(text, "utf-8")
    contract = load_contract(wsdl)
    assert contract.complex_type((WIDGETS, "PwsWidget")).members[0].type == (NS_XSD, "string")
    standalone = etree.fromstring(next(d for d in contract.schemas if d.namespace == WIDGETS).standalone())
    assert standalone.nsmap["xsd"] == NS_XSD
    answer = render_answer(
        contract, contract.operation("PwsPing"), request_id=1, timestamp="2024-01-01T00:00:00Z"
    )
    assert schema_errors(contract, answer) == []


def _struct_loop(tmp_path: Path, min_occurs: str) -> Path:
    return _break(
        tmp_path,
        "Fixture.xsd7.xsd",
        '<xs:element minOccurs="0" name="Depth" type="xs:double" />',
        f'<xs:element minOccurs="0" name="Depth" type="xs:double" /><xs:element minOccurs="{min_occurs}" '
        'name="Inner" type="tns:PwsWidgetDimensions" />',
    )


def test_a_struct_that_contains_itself(tmp_path):
    """.NET forbids it; a schema may still say it: optional, it is left out; required, it fails."""
    (tmp_path / "optional").mkdir()
    (tmp_path / "required").mkdir()
    optional = load_contract(_struct_loop(tmp_path / "optional", "0"))
    answer = render_answer(
        optional,
        optional.operation("PwsGetWidget"),
        {"Widget": {}},
        request_id=1,
        timestamp="2024-01-01T00:00:00Z",
    )
    assert answer.count(b"<a:Inner>") == 1  # expanded until the member repeats, then left out
    assert schema_errors(optional, answer) == []
    required = load_contract(_struct_loop(tmp_path / "required", "1"))
    with pytest.raises(ContractError, match="required non-nillable member 'Inner' contains itself"):
        render_answer(
            required,
            required.operation("PwsGetWidget"),
            {"Widget": {}},
            request_id=1,
            timestamp="2024-01-01T00:00:00Z",
        )
