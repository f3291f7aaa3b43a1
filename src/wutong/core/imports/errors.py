"""Errors of the import engine, each with a Chinese message a clerk can act on."""

from __future__ import annotations

from wutong.core.errors import AppError


class ImportRefused(AppError):
    """The whole file cannot be imported (wrong format, too big, damaged, encrypted…).

    An ``AppError``, so pages and the API render ``message`` like any other user error.
    """

    code = "import_refused"
    status = 400

    def __init__(self, message: str):
        super().__init__(message)


class CellError(ValueError):
    """One cell's value cannot be understood; ``message`` says what was expected and found."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)
