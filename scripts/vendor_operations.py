#!/usr/bin/env python3
"""Write fakeprojector/data/vendor_operations.txt: the names of the vendor's operations.

Reads the vendor's WSDL (the 2019 snapshot beside the checkout, ../shared/reference/, which
predates OAuth) and adds the two OAuth operations. Only the names are kept: the project
never ships the vendor's files. Run it by hand when a newer WSDL is at hand; review the diff.

Usage: scripts/vendor_operations.py [PATH/TO/PwsProjectorServices.wsdl]
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WSDL = ROOT.parent / "shared" / "reference" / "projector-wsdl-2019" / "PwsProjectorServices.wsdl"
OUT = ROOT / "fakeprojector" / "data" / "vendor_operations.txt"
OAUTH = ("PwsAcquireOauth2Token", "PwsRevokeOauth2RefreshToken")
W = "http://schemas.xmlsoap.org/wsdl/"


def main() -> int:
    wsdl = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_WSDL
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(wsdl), parser).getroot()
    names = {op.get("name") for op in root.iterfind(f"{{{W}}}portType/{{{W}}}operation")}
    names.update(OAUTH)
    header = "# Operations of Projector's IPwsProjectorServices port type (names only), from scripts/vendor_operations.py\n"
    OUT.write_text(header + "".join(f"{n}\n" for n in sorted(n for n in names if n)), encoding="utf-8")
    print(f"{OUT}: {len(names)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
