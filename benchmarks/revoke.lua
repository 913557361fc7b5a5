-- wrk script: the vendor's sample revoke (benchmarks/common.py) with its SOAPAction, on keep-alive connections.
wrk.method = "POST"
wrk.path = "/OpsProjectorWcfSvc/PwsProjectorServices.svc"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsRevokeOauth2RefreshToken"'
wrk.body = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pws="http://projectorpsa.com/PwsProjectorServices/" xmlns:req="http://projectorpsa.com/DataContracts/Requests/"><soapenv:Header/><soapenv:Body><pws:PwsRevokeOauth2RefreshToken><pws:serviceRequest><req:ClientIdentifier>24748faf-e239-d132-167a-6e4d3e1bd0fb</req:ClientIdentifier><req:ClientSecret>r6tuVhR3ol1BFFVfy3Oe-J8VoH0KpkgLVqAMi-IIgvd_Lr613IEYcXhKAea8eLtQKSIgQ4jHIKhCKQcwriUtgB</req:ClientSecret><req:Token>E2BgYJjLoNrEY50z-7gMN1evukfd3EWpZcn5RQW6xemGeYelfl_aetMDAA</req:Token></pws:serviceRequest></pws:PwsRevokeOauth2RefreshToken></soapenv:Body></soapenv:Envelope>'
