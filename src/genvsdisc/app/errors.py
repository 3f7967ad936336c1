"""Every error the app returns is JSON: ``{"error": "<field>: <why>", "field": ...}``.

Learners poke at the app; a bad request must get a message that says which
field was wrong and why, and must never take the server down.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from genvsdisc.exceptions import GenvsdiscError

__all__ = ["ApiError", "install_error_handlers"]

log = logging.getLogger("genvsdisc.app")


class ApiError(StarletteHTTPException):
    """An HTTP error that names the request field at fault."""

    def __init__(self, status_code: int, field: str | None, message: str, headers=None):
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.field = field


def _body(field: str | None, message: str) -> dict:
    text = f"{field}: {message}" if field else message
    return {"error": text, "field": field}


def _validation_field(loc) -> str:
    # ("body", "X", 3, 0) -> "X[3][0]"; the leading "body"/"query" says nothing to a user.
    parts = [p for p in loc if p not in ("body", "query", "path")]
    name = ""
    for p in parts:
        name += f"[{p}]" if isinstance(p, int) else (f".{p}" if name else str(p))
    return name or "body"


async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    field = _validation_field(first.get("loc", ()))
    message = str(first.get("msg", "invalid value"))
    if first.get("type") == "json_invalid":
        field, message = "body", "not valid JSON"
    message = message.removeprefix("Value error, ")
    body = _body(field, message)
    body["detail"] = [
        {"field": _validation_field(e.get("loc", ())), "message": str(e.get("msg"))}
        for e in errors[:20]
    ]
    return JSONResponse(body, status_code=422)


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    field = getattr(exc, "field", None)
    message = str(exc.detail)
    if exc.status_code == 413 and field is None:
        field = "body"
    return JSONResponse(_body(field, message), status_code=exc.status_code, headers=exc.headers)


async def _on_genvsdisc(request: Request, exc: GenvsdiscError) -> JSONResponse:
    # the playground and labs tag errors about one request field with ``.field``
    return JSONResponse(_body(getattr(exc, "field", None), str(exc)), status_code=422)


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    # A bug, not a user mistake: log the traceback, keep serving, say so plainly.
    log.exception("unhandled error on %s", request.url.path)
    return JSONResponse(
        _body(None, f"internal error ({type(exc).__name__}); the server keeps running"),
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can meet to a JSON answer."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(GenvsdiscError, _on_genvsdisc)
    app.add_exception_handler(Exception, _on_crash)
