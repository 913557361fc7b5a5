"""A non-Python generator from Debian, JAX-WS ``wsimport``, makes a client from the fake's
``?wsdl`` with the vendor's 2019 snapshot loaded, and that client calls every operation.

The snapshot's schemas give JAXB two factory methods of one name (a member ``DateValue`` of
``PwsSearchOption`` and the type ``PwsSearchOptionDateValue``), as they would from the real
service; the usual global binding ``generateElementProperty="false"`` (java/bindings.xjb)
avoids them. ``java/CallAll.java`` acquires a ticket with the refresh grant, then calls each
operation with its required members filled by reflection, ``PwsUnauthenticate`` last, and prints
``Operation=Status``. Skipped without ../shared, ``wsimport``, ``javac`` or ``java``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fakeprojector import FakeProjector
from tests.integration.test_generators import _jaxws_jars, _run
from tests.operations.conftest import VENDOR_WSDL
from tests.support.soapclient import SAMPLE_CLIENT, SAMPLE_SECRET, SAMPLE_TOKEN

pytestmark = [pytest.mark.generators, pytest.mark.slow]
JAVA = Path(__file__).resolve().parent / "java"


def test_a_wsimport_client_calls_every_operation(vendor_contract, tmp_path):
    missing = [tool for tool in ("wsimport", "javac", "java") if shutil.which(tool) is None]
    jars = _jaxws_jars()
    if missing or jars is None:
        pytest.skip(
            f"needs wsimport, javac, java and the JAX-WS jars (apt-get install jaxws); missing: {missing}"
        )
    for sub in ("src", "classes", "main"):
        (tmp_path / sub).mkdir()
    shutil.copy(JAVA / "CallAll.java", tmp_path / "main")
    api = os.pathsep.join(str(jars / jar) for jar in ("jaxws-api.jar", "jaxb-api.jar"))
    runtime = os.pathsep.join(["main", "classes", str(jars / "jaxws-rt.jar"), api])
    with FakeProjector(wsdl=VENDOR_WSDL) as fake:
        _run(
            [
                "wsimport",
                "-keep",
                "-b",
                str(JAVA / "bindings.xjb"),
                "-s",
                "src",
                "-d",
                "classes",
                fake.wsdl_url,
            ],
            tmp_path,
            "wsimport",
        )
        _run(
            ["javac", "-nowarn", "-cp", f"classes{os.pathsep}{api}", "-d", "main", "main/CallAll.java"],
            tmp_path,
            "javac",
        )
        output = _run(
            [
                "java",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                runtime,
                "CallAll",
                fake.wsdl_url,
                fake.url,
                SAMPLE_CLIENT,
                SAMPLE_SECRET,
                SAMPLE_TOKEN,
            ],
            tmp_path,
            "the generated JAX-WS client",
        )
        fake.check()
        statuses = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
        assert statuses == {"PwsAcquireOauth2Token": "Ok", **dict.fromkeys(vendor_contract.operations, "Ok")}
        assert len(fake.calls(status="Ok")) == 148
