"""Two small ASGI middlewares: server timing and security headers.

Plain ASGI (not ``BaseHTTPMiddleware``) keeps their overhead out of the
latency the timing header reports.
"""

from __future__ import annotations

import json
import time

from starlette.exceptions import HTTPException

__all__ = [
    "BodyLimitMiddleware",
    "ServerTimingMiddleware",
    "SecurityHeadersMiddleware",
    "PAGE_POLICY",
    "REPORT_POLICY",
]

#: The app's own pages load nothing from elsewhere: every script, style and font is served here.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)
#: Reports written by ``genvsdisc compare`` are self-contained: inline styles, plots as data URIs.
REPORT_POLICY = (
    "default-src 'self' 'unsafe-inline' data: blob:; connect-src 'none'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def _add_headers(message, extra: list[tuple[bytes, bytes]]):
    headers = list(message.get("headers", []))
    present = {k.lower() for k, _ in headers}
    headers += [(k, v) for k, v in extra if k not in present]
    return {**message, "headers": headers}


class ServerTimingMiddleware:
    """Adds ``Server-Timing: app;dur=<ms>``: time from request to response start."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def send_with_timing(message):
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message = _add_headers(message, [(b"server-timing", f"app;dur={ms:.1f}".encode())])
            await send(message)

        await self.app(scope, receive, send_with_timing)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and friends on every response."""

    def __init__(self, app, report_prefix: str = "/reports/files/"):
        self.app = app
        self.report_prefix = report_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = REPORT_POLICY if scope["path"].startswith(self.report_prefix) else PAGE_POLICY
        extra = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = _add_headers(message, extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    # an HTTPException, so FastAPI's body reader passes it on to the JSON error handler
    def __init__(self, max_bytes: int):
        super().__init__(413, f"request body is over the {max_bytes:,}-byte cap")


class BodyLimitMiddleware:
    """413 with a JSON error once a request body passes ``max_bytes``.

    Written here because the body limits of the supported FastAPI and
    Starlette versions answer in plain text (or not at all); this one
    rejects a too-large ``Content-Length`` before reading anything, and
    counts the bytes of bodies sent without one (chunked).
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send, size_text: str) -> None:
        body = json.dumps(
            {
                "error": f"body: request body of {size_text} is over the {self.max_bytes:,}-byte cap",
                "field": "body",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send, f"{int(declared):,} bytes")
            return
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send, "more than that")
