"""PwsRevokeOauth2RefreshToken over real HTTP, where only our own server will do: the vendor's
sample request byte for byte against the default fixtures, and ``xsi:nil`` read as an
``xs:boolean``. Everything a client can see of revoke lives in tests/contract/test_revoke.py."""

from __future__ import annotations

import pytest

from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN, post

SEED_REQUEST = (
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" '
    b'xmlns:req="http://projectorpsa.com/DataContracts/Requests/"> <soapenv:Header/> <soapenv:Body> '
    b"<pws:PwsRevokeOauth2RefreshToken> <pws:serviceRequest> "
    b"<req:ClientIdentifier>24748faf-e239-d132-167a-6e4d3e1bd0fb</req:ClientIdentifier> "
    b"<req:ClientSecret>r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB</req:ClientSecret> "
    b"<req:Token>E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA</req:Token> "
    b"</pws:serviceRequest> </pws:PwsRevokeOauth2RefreshToken> </soapenv:Body> </soapenv:Envelope>"
)
OP = "PwsRevokeOauth2RefreshToken"


def _error(answer):
    assert answer.status == 200, answer.body
    assert answer.status_text == "Fail"
    msgs = answer.messages()
    assert len(msgs) == 1, msgs
    return msgs[0]


def test_vendor_sample_request_byte_for_byte_succeeds(fake_projector):
    answer = post(fake_projector.url, SEED_REQUEST, action=OP)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.status_text == "Ok"
    assert answer.field("RedirectUrl") is None
    assert answer.messages() == []
    assert fake_projector.token_state(SAMPLE_TOKEN) == "revoked"


@pytest.mark.parametrize("nil", ["true", "1", " true "])
def test_xsi_nil_is_an_xs_boolean(fake_projector, nil):
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://projectorpsa.com/PwsProjectorServices/" '
        'xmlns:r="http://projectorpsa.com/DataContracts/Requests/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f'<s:Body><p:PwsRevokeOauth2RefreshToken><p:serviceRequest><r:RequestId i:nil="{nil}"/>'
        f"<r:ClientIdentifier>{SAMPLE_CLIENT}</r:ClientIdentifier><r:ClientSecret>{SAMPLE_SECRET}</r:ClientSecret>"
        f'<r:Token i:nil="{nil}">{SAMPLE_TOKEN}</r:Token></p:serviceRequest></p:PwsRevokeOauth2RefreshToken></s:Body></s:Envelope>'
    ).encode()
    answer = post(fake_projector.url, body, action=OP)
    assert answer.field("ResponseId") == "0"
    assert 'missing parameters "Token"' in _error(answer)["ErrorText"]
