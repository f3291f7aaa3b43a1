"""The request context that services and tasks read: request id and client address."""

from __future__ import annotations

import contextvars
import logging
import uuid
from contextlib import contextmanager

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
ip_address_var: contextvars.ContextVar[str] = contextvars.ContextVar("ip_address", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def current_ip() -> str:
    return ip_address_var.get()


@contextmanager
def bound(request_id: str, ip: str = ""):
    """Bind a request id (and address) for the code inside, e.g. a background task."""
    t1 = request_id_var.set(request_id)
    t2 = ip_address_var.set(ip)
    try:
        yield
    finally:
        request_id_var.reset(t1)
        ip_address_var.reset(t2)


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
