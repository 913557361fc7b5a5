"""A real generated SOAP client (zeep), given only the WSDL URL, drives the whole lifecycle."""

from __future__ import annotations

import pytest
import zeep
from lxml import etree

from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN

CB = "https://localhost/callback"


@pytest.fixture
def client(fake_projector):
    return zeep.Client(fake_projector.wsdl_url)


def test_zeep_revoke_reads_every_result_field(client, fake_projector):
    result = client.service.PwsRevokeOauth2RefreshToken(
        serviceRequest={
            "RequestId": 5,
            "ClientIdentifier": SAMPLE_CLIENT,
            "ClientSecret": SAMPLE_SECRET,
            "Token": SAMPLE_TOKEN,
        }
    )
    assert result.Status == "Ok"
    assert result.ResponseId == 5
    assert result.RedirectUrl is None
    assert result.Messages is None or result.Messages.PwsMessage == []
    assert result.ServerTimestampUtc.tzinfo is not None
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"


def test_zeep_reads_error_messages(client):
    result = client.service.PwsRevokeOauth2RefreshToken(
        serviceRequest={"ClientIdentifier": SAMPLE_CLIENT, "ClientSecret": "wrong", "Token": SAMPLE_TOKEN}
    )
    assert result.Status == "Fail"
    (message,) = result.Messages.PwsMessage
    assert (message.ErrorNumber, message.ErrorCode, message.Type) == (50630, "OauthInvalidClient", "Error")
    assert message.AdditionalErrorText == "Error 50630: OauthInvalidClient"
    assert message.ErrorText == "Invalid Oauth2 Client."


def test_zeep_sends_the_wcf_soap_action(client, fake_projector):
    binding = client.service._binding
    op = binding.get("PwsAcquireOauth2Token")
    assert (
        op.soapaction
        == "http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsAcquireOauth2Token"
    )
    assert binding.name.localname == "BasicHttpBinding_IPwsProjectorServices"
    assert binding.port_type.name.localname == "IPwsProjectorServices"


def test_whole_lifecycle_code_refresh_revoke_then_refresh_fails(client, fake_projector):
    code = fake_projector.issue_authorization_code(SAMPLE_CLIENT, CB, account="SAMPLE")
    svc = client.service
    creds = {"ClientIdentifier": SAMPLE_CLIENT, "ClientSecret": SAMPLE_SECRET}
    got = svc.PwsAcquireOauth2Token(
        serviceRequest={**creds, "GrantType": "code", "Code": code, "RedirectUri": CB}
    )
    assert got.Status == "Ok"
    assert len(got.AccessToken) == 24
    assert got.ExpiresInSeconds == 3600
    assert got.TimeoutMinutes == 60
    assert got.MaxLifetimeMinutes == 1440
    assert got.TokenType == "projector_session_ticket"
    assert got.RedirectUrl is None
    assert got.SoapServiceAuthority == fake_projector.base_url == got.RestServiceAuthority
    refreshed = svc.PwsAcquireOauth2Token(
        serviceRequest={**creds, "GrantType": "refresh_token", "RefreshToken": got.RefreshToken}
    )
    assert refreshed.Status == "Ok"
    assert refreshed.AccessToken != got.AccessToken
    revoked = svc.PwsRevokeOauth2RefreshToken(serviceRequest={**creds, "Token": got.RefreshToken})
    assert revoked.Status == "Ok"
    failed = svc.PwsAcquireOauth2Token(
        serviceRequest={**creds, "GrantType": "refresh_token", "RefreshToken": got.RefreshToken}
    )
    assert failed.Status == "Fail"
    assert failed.Messages.PwsMessage[0].ErrorNumber == 50631
    assert failed.AccessToken is None
    assert failed.ExpiresInSeconds == 0
    assert fake_projector.access_token_state(got.AccessToken) == "revoked"
    assert fake_projector.access_token_state(refreshed.AccessToken) == "revoked"
    fake_projector.assert_called("PwsAcquireOauth2Token", count=3)
    fake_projector.assert_called("PwsRevokeOauth2RefreshToken", count=1, token=got.RefreshToken)


@pytest.mark.fake_projector(error_style="fault")
def test_fault_error_style_reaches_zeep_as_a_fault_with_pws_fault_detail(client):
    with pytest.raises(zeep.exceptions.Fault) as info:
        client.service.PwsRevokeOauth2RefreshToken(
            serviceRequest={"ClientIdentifier": SAMPLE_CLIENT, "ClientSecret": "wrong", "Token": SAMPLE_TOKEN}
        )
    assert info.value.message == "Invalid Oauth2 Client."
    detail = info.value.detail
    ns = {"b": "http://projectorpsa.com/DataContracts/Shared/Common/"}
    assert detail.xpath("b:PwsFault/b:Messages/b:PwsMessage/b:ErrorNumber/text()", namespaces=ns) == ["50630"]
    assert detail.xpath("b:PwsFault/b:ServiceName/text()", namespaces=ns) == ["PwsRevokeOauth2RefreshToken"]
    assert etree.QName(detail[0]).localname == "PwsFault"
