"""The HTML shell shared by the consent page and the dashboard: one page, one stylesheet.

Server-rendered, no scripts, no build step. Callers escape every value they put in a body
with :func:`esc` (``html.escape``, quotes included); this module adds only constant markup.
"""

from __future__ import annotations

import html

from werkzeug.wrappers import Response

HTML = "text/html; charset=utf-8"

_CSS = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f5f8;color:#1d2733}
header{background:#1f3a5f;color:#fff;padding:10px 24px;display:flex;gap:16px;align-items:baseline}
header b{font-size:17px}header span{opacity:.8;font-size:13px}
main{max-width:1180px;margin:24px auto;padding:0 20px}
.card{background:#fff;border:1px solid #d8dee6;border-radius:8px;padding:20px 24px;margin-bottom:20px}
.narrow{max-width:460px;margin:48px auto}
h1{font-size:21px;margin:0 0 12px}h2{font-size:16px;margin:0 0 10px}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;padding:8px 10px;border:1px solid #b9c3cf;border-radius:5px;font:inherit}
.buttons{display:flex;gap:10px;margin-top:18px}
button{font:inherit;padding:8px 18px;border-radius:5px;border:1px solid #1f3a5f;cursor:pointer}
button.primary{background:#1f5fa8;border-color:#1f5fa8;color:#fff}button.secondary{background:#fff;color:#1f3a5f}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#8a1c12;padding:8px 12px;border-radius:5px;margin:10px 0}
.muted{color:#5b6b7c;font-size:13px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:8px 0}dt{color:#5b6b7c}dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6eaef;vertical-align:top}
th{color:#5b6b7c;font-weight:600;background:#f8fafc}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.s-active,.s-Ok,.s-unused{background:#e3f4e8;color:#1c6b35}
.s-revoked,.s-Fail,.s-fault,.s-used,.s-soap_fault,.s-http_status,.s-drop{background:#fdecea;color:#8a1c12}
.s-redirect,.s-FailSessionInvalid{background:#fff6e0;color:#6b4d00}
.s-expired{background:#eef0f3;color:#5b6b7c}
.counts{display:flex;gap:22px;flex-wrap:wrap}.counts div{font-size:13px;color:#5b6b7c}.counts b{display:block;font-size:20px;color:#1d2733}
.s-frozen{background:#e6eefb;color:#1f3a5f}.s-running{background:#eef0f3;color:#5b6b7c}
form.inline{display:inline;margin:0}button.danger{background:#fff;color:#8a1c12;border-color:#c9473a;padding:4px 12px}
td button.secondary{padding:2px 10px;font-size:12px}
.warn{background:#fff6e0;border:1px solid #f0d48a;color:#6b4d00;padding:4px 8px;border-radius:5px;margin-top:4px}
.warn ul{margin:2px 0 0 18px;padding:0}.reason{color:#8a1c12;font-size:12px;max-width:360px}
code.full{user-select:all;word-break:break-all}pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f8fafc;padding:6px;margin:4px 0}
details summary{cursor:pointer;color:#1f5fa8;font-size:12px}a.consent{font-size:12px;margin-left:6px}
ul.links{line-height:1.9}
"""


def esc(value: object) -> str:
    """``html.escape`` of ``str(value)``, quotes included; ``None`` shows as an empty string."""
    return "" if value is None else html.escape(str(value), quote=True)


def page(title: str, body: str, *, refresh_seconds: int | None = None) -> str:
    """A whole HTML document; ``title`` is escaped here, ``body`` must be escaped already."""
    refresh = f'<meta http-equiv="refresh" content="{int(refresh_seconds)}">' if refresh_seconds else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{refresh}<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        "<header><b>Projector</b><span>fakeprojector &middot; a fake for tests, not the real service</span></header>"
        f"<main>{body}</main></body></html>"
    )


def html_response(
    title: str, body: str, status: int = 200, *, refresh_seconds: int | None = None
) -> Response:
    """An HTML page nobody caches, which no other site may frame. No CSP ``form-action``:
    Chromium applies it to the redirect after the consent form, which leaves for the client."""
    response = Response(page(title, body, refresh_seconds=refresh_seconds), status=status, content_type=HTML)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
