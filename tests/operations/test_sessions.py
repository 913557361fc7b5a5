"""Session tickets on a loaded WSDL's operations are real: the fake's clock expires them (idle
``TimeoutMinutes``, each successful call sliding it; ``MaxLifetimeMinutes`` absolute), a revoke
ends them, and ``PwsAuthenticate``/``PwsUnauthenticate`` open and end them for ``users``."""

from __future__ import annotations

import pytest

from tests.operations.conftest import ON_FIXTURE_WSDL
from tests.operations.support import INVALID_TICKET_TEXT, SAMPLE_USER, envelope
from tests.support.paths import FIXTURE_WSDL
from tests.support.soapclient import SAMPLE_CLIENT, Answer, post

pytestmark = ON_FIXTURE_WSDL
MINUTE = 60


def widget(fake, ticket: str | None) -> Answer:
    members = f"<r:SessionTicket>{ticket}</r:SessionTicket>" if ticket is not None else ""
    answer = post(
        fake.url, envelope("PwsGetWidget", members + "<w:WidgetCode>W</w:WidgetCode>"), action="PwsGetWidget"
    )
    assert answer.status == 200, answer.body
    return answer


def authenticate(
    fake, account: str = "SAMPLE", user: str = "sample.user", password: str = SAMPLE_USER["Password"]
) -> Answer:
    members = (
        f"<r:AccountCode>{account}</r:AccountCode><r:Password>{password}</r:Password>"
        f"<r:UserName>{user}</r:UserName>"
    )
    answer = post(fake.url, envelope("PwsAuthenticate", members), action="PwsAuthenticate")
    assert answer.status == 200, answer.body
    return answer


@pytest.mark.choice("sessions.lifetime")
def test_each_successful_call_slides_the_idle_timeout(fake_projector):
    fake_projector.clock.freeze()
    ticket = fake_projector.add_access_token(SAMPLE_CLIENT).token
    for _ in range(3):  # 59 minutes idle, three times over: alive for almost three hours
        fake_projector.clock.advance(59 * MINUTE)
        assert widget(fake_projector, ticket).status_text == "Ok"
    fake_projector.clock.advance(60 * MINUTE)  # exactly TimeoutMinutes since the last use
    assert widget(fake_projector, ticket).status_text == "FailSessionInvalid"
    assert fake_projector.access_token_state(ticket) == "expired"


@pytest.mark.choice("sessions.lifetime")
def test_max_lifetime_ends_a_ticket_however_busy(fake_projector):
    fake_projector.configure(max_lifetime_minutes=90)
    fake_projector.clock.freeze()
    ticket = fake_projector.add_access_token(SAMPLE_CLIENT).token
    fake_projector.clock.advance(50 * MINUTE)
    assert widget(fake_projector, ticket).status_text == "Ok"
    fake_projector.clock.advance(39.999 * MINUTE)
    assert widget(fake_projector, ticket).status_text == "Ok"
    fake_projector.clock.advance(0.001 * MINUTE)  # 90 minutes after issue
    answer = widget(fake_projector, ticket)
    assert (answer.status_text, answer.messages()[0]["ErrorNumber"]) == ("FailSessionInvalid", "10004")


@pytest.mark.choice("sessions.lifetime")
def test_a_refused_call_does_not_slide_the_timeout(fake_projector):
    fake_projector.clock.freeze()
    ticket = fake_projector.add_access_token(SAMPLE_CLIENT).token
    fake_projector.clock.advance(30 * MINUTE)
    bad = post(
        fake_projector.url,
        envelope("PwsGetWidget", f"<r:SessionTicket>{ticket}</r:SessionTicket>"),
        action="PwsGetWidget",
    )
    assert bad.status == 500  # WidgetCode is required: refused before the session is looked at
    fake_projector.clock.advance(30 * MINUTE)
    assert widget(fake_projector, ticket).status_text == "FailSessionInvalid"


@pytest.mark.fake_projector(wsdl=str(FIXTURE_WSDL), session_error="InvalidSession")
@pytest.mark.choice("sessions.invalid")
def test_the_session_error_setting_answers_minus_101_instead(fake_projector):
    answer = widget(fake_projector, "ARQC8d/V3CZk+kOWf7w3KQ==")
    assert answer.status_text == "FailSessionInvalid"
    assert answer.messages() == [
        {
            "AdditionalErrorText": "Error -101: InvalidSession",
            "ErrorCode": "InvalidSession",
            "ErrorNumber": "-101",
            "ErrorText": "The specified session is not valid or is no longer valid. Please re-establish a session.",
            "Type": "Error",
            "ReferenceId1": None,
            "ReferenceId2": None,
        }
    ]


@pytest.mark.choice("sessions.invalid")
def test_a_ticket_of_an_account_on_another_server_is_invalid_here(fake_projector):
    fake_projector.add_account("ELSEWHERE", home_url="https://secure2.projectorpsa.com")
    ticket = fake_projector.add_access_token(SAMPLE_CLIENT, account="ELSEWHERE").token
    answer = widget(fake_projector, ticket)
    assert answer.status_text == "FailSessionInvalid"
    assert answer.messages()[0]["ErrorText"] == INVALID_TICKET_TEXT
    (entry,) = fake_projector.requests
    assert entry.extra == {"session": "other server"}


@pytest.mark.choice("sessions.authenticate")
def test_pws_authenticate_with_a_fixtures_user_opens_a_working_session(fake_projector):
    answer = authenticate(fake_projector, account="sample", user="SAMPLE.USER")  # names without case
    assert answer.status_text == "Ok"
    ticket = answer.field("SessionTicket")
    assert ticket is not None
    assert len(ticket) == 24
    result = answer.result()
    ns = {
        "a": "http://projectorpsa.com/DataContracts/Responses/",
        "b": "http://projectorpsa.com/DataContracts/Shared/Common/",
    }
    assert result.findtext("a:AccountIdentity/b:AccountCode", namespaces=ns) == "SAMPLE"
    assert result.findtext("a:UserIdentity/b:UserName", namespaces=ns) == "sample.user"
    assert answer.field("RedirectUrl") is None
    record, state = fake_projector.access_token(ticket)
    assert (record.account, record.username, record.client_id, state) == (
        "SAMPLE",
        "sample.user",
        "",
        "active",
    )
    assert widget(fake_projector, ticket).status_text == "Ok"
    auth = fake_projector.calls("PwsAuthenticate")[0]
    assert auth.fields["Password"] == "***"


@pytest.mark.parametrize(
    ("account", "user", "password"),
    [
        ("SAMPLE", "sample.user", "wrong"),
        ("SAMPLE", "nobody", "sample-password"),
        ("NOPE", "sample.user", "sample-password"),
        ("SAMPLE", "sample.user", ""),
    ],
)
@pytest.mark.choice("sessions.authenticate")
def test_wrong_credentials_fail_and_open_nothing(fake_projector, account, user, password):
    before = fake_projector.counts()["access_tokens"]
    answer = authenticate(fake_projector, account, user, password)
    assert answer.status_text == "Fail"
    assert answer.field("SessionTicket") is None
    (message,) = answer.messages()
    assert (message["ErrorNumber"], message["ErrorCode"], message["ErrorText"]) == (
        "-100",
        "InvalidCredentials",
        "The credentials you entered are not valid.",
    )
    assert fake_projector.counts()["access_tokens"] == before


@pytest.mark.contract("redirect.other-server")
def test_pws_authenticate_for_an_account_on_another_server_redirects(fake_projector):
    fake_projector.add_account("SAMPLE", home_url="https://secure2.projectorpsa.com")
    answer = authenticate(fake_projector)
    assert (answer.status_text, answer.field("RedirectUrl")) == ("Ok", "https://secure2.projectorpsa.com")
    assert answer.field("SessionTicket") is None
    assert fake_projector.counts()["access_tokens"] == 0


@pytest.mark.choice("sessions.authenticate")
def test_pws_unauthenticate_ends_the_session(fake_projector):
    ticket = authenticate(fake_projector).field("SessionTicket")
    members = f"<r:SessionTicket>{ticket}</r:SessionTicket>"
    answer = post(fake_projector.url, envelope("PwsUnauthenticate", members), action="PwsUnauthenticate")
    assert answer.status_text == "Ok"
    assert fake_projector.access_token_state(ticket) == "revoked"
    assert widget(fake_projector, ticket).status_text == "FailSessionInvalid"
    again = post(fake_projector.url, envelope("PwsUnauthenticate", members), action="PwsUnauthenticate")
    assert again.status_text == "FailSessionInvalid"
