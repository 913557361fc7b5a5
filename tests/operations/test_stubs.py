"""Stubs on a loaded WSDL's operations, from Python, the admin API and fixtures: placed in schema
order and namespaces, matched by ``when``, refused at add time when they do not fit; and the
same journal, fault injection and ``reset()`` as the OAuth operations."""

from __future__ import annotations

import urllib.request

import pytest
from lxml import etree

from fakeprojector import FakeProjector, FixtureError
from tests.operations.conftest import ON_FIXTURE_WSDL
from tests.operations.support import envelope, schema_errors
from tests.support.cliserver import http_json
from tests.support.paths import FIXTURE_WSDL
from tests.support.soapclient import SAMPLE_CLIENT, Answer, post

pytestmark = ON_FIXTURE_WSDL
W = "http://fakeprojector.example/DataContracts/Widgets/"
ARR = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
NS = {"w": W, "arr": ARR, "c": "http://projectorpsa.com/CommonServices/"}


def ticket(fake) -> str:
    return fake.add_access_token(SAMPLE_CLIENT).token


def get_widget(fake, code: str = "W-1", with_ticket: bool = True) -> Answer:
    members = (f"<r:SessionTicket>{ticket(fake)}</r:SessionTicket>" if with_ticket else "") + (
        f"<w:WidgetCode>{code}</w:WidgetCode>"
    )
    answer = post(fake.url, envelope("PwsGetWidget", members), action="PwsGetWidget")
    assert answer.status == 200, answer.body
    return answer


def save_widgets(fake, *names: str) -> Answer:
    items = "".join(f"<w:PwsWidget><w:Name>{n}</w:Name></w:PwsWidget>" for n in names)
    members = (
        f"<r:SessionTicket>{ticket(fake)}</r:SessionTicket><w:EffectiveDate>2024-01-31T00:00:00</w:EffectiveDate>"
        f"<w:Widgets>{items}</w:Widgets>"
    )
    answer = post(fake.url, envelope("PwsSaveWidgets", members, parameter="rq"), action="PwsSaveWidgets")
    assert answer.status == 200, answer.body
    return answer


RESPOND = {
    "Widget": {
        "Name": "Sprocket",
        "Price": 9.5,
        "Color": "Blue",
        "Tags": ["a", "b"],
        "Dimensions": {"Height": 2},
        "Parts": [{"PartNumber": 3, "Label": "bolt"}, {"PartNumber": 4, "Label": "nut", "SubParts": []}],
        "Notes": "from a stub",
    }
}


@pytest.mark.choice("operations.stubs")
def test_a_stub_is_answered_in_schema_order_and_namespaces(fake_projector, fixture_contract):
    stub_id = fake_projector.stub("PwsGetWidget", respond=RESPOND)
    answer = get_widget(fake_projector)
    assert schema_errors(fixture_contract.xml_schema(), answer.body) == []
    widget = answer.result().find("w:Widget", NS)
    names = [etree.QName(c).localname for c in widget]
    assert names[:4] == ["WidgetCode", "WidgetUid", "Name", "Color"]  # PwsWidget's members, in order
    assert names[-1] == "Notes"  # then PwsWidgetDetail's own
    assert widget.findtext("w:Name", namespaces=NS) == "Sprocket"
    assert widget.findtext("w:Price", namespaces=NS) == "9.5"
    assert [t.text for t in widget.findall("w:Tags/arr:string", NS)] == ["a", "b"]
    parts = widget.findall("w:Parts/w:PwsWidgetPart", NS)
    assert [p.findtext("w:Label", namespaces=NS) for p in parts] == ["bolt", "nut"]
    assert widget.findtext("w:Dimensions/w:Width", namespaces=NS) == "0"  # a struct's other members: default
    assert answer.status_text == "Ok"
    (entry,) = fake_projector.requests
    assert (entry.operation, entry.status, entry.extra) == ("PwsGetWidget", "Ok", {"stub": stub_id})


@pytest.mark.choice("operations.stubs")
def test_when_matches_dotted_paths_through_arrays_and_the_newest_match_wins(fake_projector):
    fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 1})
    fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 2}, when={"Widgets.Name": "Gear"})
    assert (
        save_widgets(fake_projector, "Bolt", "Gear").result().findtext("w:SavedCount", namespaces=NS) == "2"
    )  # any item matches
    assert save_widgets(fake_projector, "Bolt").result().findtext("w:SavedCount", namespaces=NS) == "1"
    fake_projector.stub("PwsGetWidget", respond={"Widget": {"Name": "one"}}, when={"WidgetCode": "W-1"})
    assert get_widget(fake_projector, "W-1").result().findtext("w:Widget/w:Name", namespaces=NS) == "one"
    generated = get_widget(fake_projector, "W-2").result().find("w:Widget", NS)
    assert generated.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"


@pytest.mark.choice("operations.stubs")
def test_times_limits_a_stub_then_the_older_one_answers_again(fake_projector):
    fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 1})
    twice = fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 2}, times=2)
    counts = [
        save_widgets(fake_projector, "x").result().findtext("w:SavedCount", namespaces=NS) for _ in range(3)
    ]
    assert counts == ["2", "2", "1"]
    assert fake_projector.stubs.get(twice) is None
    assert [s.applied for s in fake_projector.stub_list()] == [1]


@pytest.mark.choice("operations.stubs")
def test_status_and_messages_by_member_or_catalogue_number(fake_projector, fixture_contract):
    fake_projector.stub(
        "PwsGetWidget",
        status="OkWithWarnings",
        messages=[{"ErrorNumber": 105, "ErrorCode": "AtLeastOneItemNotFound", "Type": "Warning"}, 10016],
    )
    answer = get_widget(fake_projector)
    assert answer.status_text == "OkWithWarnings"
    assert [(m["ErrorNumber"], m["ErrorCode"]) for m in answer.messages()] == [
        ("105", "AtLeastOneItemNotFound"),
        ("10016", "RequestExceededRateLimit"),
    ]
    assert schema_errors(fixture_contract.xml_schema(), answer.body) == []
    (entry,) = fake_projector.requests
    assert (entry.status, entry.error_numbers) == ("OkWithWarnings", (105, 10016))


@pytest.mark.choice("operations.stubs")
def test_the_session_is_checked_before_a_stub_answers(fake_projector):
    fake_projector.stub("PwsGetWidget", respond=RESPOND)
    assert get_widget(fake_projector, with_ticket=False).status_text == "FailSessionInvalid"
    assert fake_projector.stub_list()[0].applied == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"respond": {"Widget": {"Colour": "Blue"}}},
            r"^PwsGetWidget: respond\.Widget\.Colour: unknown member of PwsWidgetDetail; did you mean 'Color'\? Known members: WidgetCode, ",
        ),
        (
            {"respond": {"Widget": {"Price": "cheap"}}},
            r"^PwsGetWidget: respond\.Widget\.Price: expected a number, or a string of digits \(xs:decimal\), got str 'cheap'$",
        ),
        (
            {"respond": {"Widget": {"Color": "Purple"}}},
            r"^PwsGetWidget: respond\.Widget\.Color: expected one of Red, Green, Blue \(WidgetColor\), got str 'Purple'",
        ),
        (
            {"respond": {"Widget": {"Parts": [{"PartNumber": "x"}]}}},
            r"^PwsGetWidget: respond\.Widget\.Parts\[0\]\.PartNumber: expected an integer",
        ),
        ({"when": {"Widget.Code": "x"}}, r"^PwsGetWidget: when\.Widget: unknown member of PwsGetWidgetRq"),
        (
            {"status": "Okay"},
            r"^PwsGetWidget: respond\.Status: expected one of Ok, OkWithWarnings, Fail, FailSessionInvalid",
        ),
        ({"messages": [123456]}, r"^PwsGetWidget: messages\[0\]: 123456 is not a catalogue number"),
        ({"times": 0}, r"^PwsGetWidget: times must be a whole number >= 1 or null, not 0$"),
    ],
)
@pytest.mark.choice("operations.stubs")
def test_a_stub_that_does_not_fit_is_refused_when_added(fake_projector, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fake_projector.stub("PwsGetWidget", **kwargs)
    assert fake_projector.stub_list() == []


def test_stubs_name_the_operations_they_may_answer(fake_projector):
    with pytest.raises(
        ValueError, match=r"^PwsGetWidgets: not an operation of Fixture\.wsdl; did you mean 'PwsGetWidget'\?$"
    ):
        fake_projector.stub("PwsGetWidgets")
    with pytest.raises(ValueError, match="answered by fakeprojector's own OAuth rules; it cannot be stubbed"):
        fake_projector.stub("PwsRevokeOauth2RefreshToken")


def test_without_a_wsdl_a_stub_says_how_to_load_one():
    with (
        FakeProjector() as fake,
        pytest.raises(ValueError, match=r"FakeProjector\(wsdl=PATH\), 'serve --wsdl PATH'"),
    ):
        fake.stub("PwsGetWidget")


@pytest.mark.choice("operations.stubs")
def test_remove_clear_and_reset(fake_projector):
    first = fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 1})
    fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 2})
    assert fake_projector.remove_stub(first) is True
    assert fake_projector.remove_stub(first) is False
    assert fake_projector.clear_stubs() == 1
    fake_projector.stub("PwsSaveWidgets", respond={"SavedCount": 3})
    fake_projector.reset()
    assert fake_projector.stub_list() == []
    assert save_widgets(fake_projector, "x").result().findtext("w:SavedCount", namespaces=NS) == "0"


FIXTURES_WITH_STUBS = {
    "clients": [{"client_id": SAMPLE_CLIENT, "client_secret": "s3cret"}],
    "stubs": [
        {"operation": "PwsSaveWidgets", "respond": {"SavedCount": 5, "SavedUids": [1, 2]}},
        {
            "operation": "PwsGetWidget",
            "respond": {"Widget": {"Name": "fixture"}},
            "when": {"WidgetCode": "F"},
            "times": 1,
        },
    ],
}


@pytest.mark.fake_projector(wsdl=str(FIXTURE_WSDL), fixtures=FIXTURES_WITH_STUBS)
@pytest.mark.choice("operations.stubs")
def test_a_fixtures_stubs_section_comes_back_at_every_reset(fake_projector):
    for _ in range(2):
        assert save_widgets(fake_projector, "x").result().findtext("w:SavedCount", namespaces=NS) == "5"
        assert (
            get_widget(fake_projector, "F").result().findtext("w:Widget/w:Name", namespaces=NS) == "fixture"
        )
        assert get_widget(fake_projector, "F").result().findtext("w:Widget/w:Name", namespaces=NS) is None
        fake_projector.reset()


def test_a_fixtures_stub_that_does_not_fit_names_the_file_entry_and_path(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"stubs": [{"operation": "PwsSaveWidgets", "respond": {"SavedCount": "many"}}]}')
    with pytest.raises(FixtureError) as caught:
        FakeProjector(str(bad), wsdl=FIXTURE_WSDL)
    assert str(caught.value) == (
        f"{bad}: stubs[0] (operation 'PwsSaveWidgets'): PwsSaveWidgets: respond.SavedCount: "
        "expected an integer -2147483648..2147483647 (xs:int), got str 'many'"
    )
    with pytest.raises(FixtureError, match=r"stubs\[0\] \(operation 'PwsSaveWidgets'\): .*none is loaded"):
        FakeProjector({"stubs": [{"operation": "PwsSaveWidgets"}]})


# --- the admin API --------------------------------------------------------------------------
def admin(fake, method: str, path: str, body=None):
    return http_json(method, fake.admin_url.rstrip("/") + path, body)


@pytest.mark.choice("operations.stubs")
def test_stubs_over_the_admin_api(fake_projector):
    status, stub, _ = admin(
        fake_projector,
        "POST",
        "/stubs",
        {"operation": "PwsGetWidget", "respond": {"Widget": {"Name": "admin"}}, "times": 3},
    )
    assert status == 201, stub
    assert (stub["operation"], stub["times"], stub["applied"]) == ("PwsGetWidget", 3, 0)
    assert get_widget(fake_projector).result().findtext("w:Widget/w:Name", namespaces=NS) == "admin"
    assert admin(fake_projector, "GET", f"/stubs/{stub['id']}")[1]["applied"] == 1
    assert [s["id"] for s in admin(fake_projector, "GET", "/stubs")[1]] == [stub["id"]]
    status, body, _ = admin(
        fake_projector, "POST", "/stubs", {"operation": "PwsGetWidget", "respond": {"Widget": {"Nmae": "x"}}}
    )
    assert status == 400
    assert body["message"].startswith(
        "PwsGetWidget: respond.Widget.Nmae: unknown member of PwsWidgetDetail; did you mean 'Name'?"
    )
    assert admin(fake_projector, "DELETE", f"/stubs/{stub['id']}")[:2] == (200, {"cleared": 1})
    assert admin(fake_projector, "DELETE", f"/stubs/{stub['id']}")[0] == 404
    admin(fake_projector, "POST", "/stubs", {"operation": "PwsPing"})
    assert admin(fake_projector, "DELETE", "/stubs")[:2] == (200, {"cleared": 1})
    assert admin(fake_projector, "GET", "/health")[1]["wsdl"] == "Fixture.wsdl"
    entries = admin(fake_projector, "GET", "/requests?operation=PwsGetWidget")[1]
    assert entries[0]["extra"] == {"stub": stub["id"]}


# --- fault injection on loaded operations ----------------------------------------------------
def test_faults_apply_to_loaded_operations(fake_projector):
    with pytest.raises(ValueError, match="operation must be one of"):
        fake_projector.add_fault("soap_fault", operation="PwsGetWidgetz")
    fake_projector.add_fault("soap_fault", operation="PwsGetWidget", times=1)
    members = f"<r:SessionTicket>{ticket(fake_projector)}</r:SessionTicket><w:WidgetCode>W</w:WidgetCode>"
    faulted = post(fake_projector.url, envelope("PwsGetWidget", members), action="PwsGetWidget")
    assert faulted.status == 500
    assert faulted.fault() == ("s:Client", "Request exceeded rate limit.")
    assert b"<ServiceName>PwsGetWidget</ServiceName>" in faulted.body
    fake_projector.add_fault("http_status", operation="PwsGetWidget", status=503, times=1)
    assert post(fake_projector.url, envelope("PwsGetWidget", members), action="PwsGetWidget").status == 503
    fake_projector.add_fault("redirect", operation="PwsAuthenticate", times=1)
    redirected = post(fake_projector.url, envelope("PwsAuthenticate", ""), action="PwsAuthenticate")
    assert (redirected.status_text, redirected.field("RedirectUrl")) == (
        "Ok",
        "https://secure2.projectorpsa.com",
    )
    assert get_widget(fake_projector).status_text == "Ok"
    faults = [(e.operation, e.status, e.fault) for e in fake_projector.requests]
    assert faults == [
        ("PwsGetWidget", "soap_fault", "soap_fault"),
        ("PwsGetWidget", "http_status", "http_status"),
        ("PwsAuthenticate", "redirect", "redirect"),
        ("PwsGetWidget", "Ok", None),
    ]


def test_the_dashboard_shows_the_wsdl_its_stubs_and_which_answered(fake_projector):
    stub_id = fake_projector.stub("PwsGetWidget", respond={"Widget": {"Name": "<b>Sprocket</b>"}}, times=2)
    get_widget(fake_projector)
    page = http_text(fake_projector.base_url + "/_fakeprojector/dashboard?refresh=0")
    assert (
        "WSDL <code>Fixture.wsdl</code>: answers 4 of the vendor&#x27;s 149 operations, and 3 other" in page
    )
    assert f'<tr class="stub" data-operation="PwsGetWidget"><td>{stub_id}</td>' in page
    assert "<td>1</td><td>1</td>" in page  # one call left, one applied
    assert "&lt;b&gt;Sprocket&lt;/b&gt;" in page
    assert "<b>Sprocket</b>" not in page
    assert f'<span class="stubbed">stub {stub_id}</span>' in page


def http_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())
