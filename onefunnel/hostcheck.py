"""Every HTTP request to a Host outside `server.allowedHosts` is refused (403), not only the WebSocket.

Streamlit 1.67 serves with Starlette under uvicorn and checks `server.allowedHosts` only on the WebSocket
(starlette_websocket.is_host_allowed) and on its agent API routes; a plain GET of a page or a static file with
`Host: evil.example` still gets the app's HTML shell and scripts, which is what a DNS-rebinding page reads.
install() wraps the ASGI app that UvicornServer.start builds (starlette_server.create_starlette_app) in a check
that uses Streamlit's own host matching, so the list, its wildcards and "no list = any Host" mean the same on
every path. WebSocket requests are left to Streamlit's own check (it answers 403 before accepting).
"""

from __future__ import annotations

REFUSAL = b"This Host is not in server.allowedHosts.\n"


def _host(scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"host":
            return value.decode("latin-1")
    return None


class HostCheck:
    """ASGI middleware: an HTTP request whose Host Streamlit's allow-list refuses gets 403 and no page."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

        if scope["type"] == "http" and not is_host_allowed(_host(scope)):
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(REFUSAL)).encode())]})
            await send({"type": "http.response.body", "body": REFUSAL})
            return
        await self.app(scope, receive, send)


def install() -> None:
    """Make the server Streamlit starts in this process wrap its app in HostCheck (call before it starts)."""
    from streamlit.web.server.starlette import starlette_server

    build = starlette_server.create_starlette_app
    if getattr(build, "host_checked", False):
        return

    def create_starlette_app(runtime):
        return HostCheck(build(runtime))

    create_starlette_app.host_checked = True
    starlette_server.create_starlette_app = create_starlette_app
