"""The spreadsheet import engine: read an upload safely, match its headers to columns, parse
every cell, and report every problem by row and column in a copy the clerk can fix.

See ``reader.read_table``, ``columns.match_headers`` / ``parse_rows``, ``parsers`` and
``report.write_problem_copy``.
"""

from wutong.core.imports.columns import (
    Column,
    HeaderMatch,
    ParsedRows,
    known_headers,
    match_headers,
    normalize_header,
    parse_rows,
)
from wutong.core.imports.errors import CellError, ImportRefused
from wutong.core.imports.reader import Table, read_table
from wutong.core.imports.report import PROBLEM_COLUMN, Problem, summarize, write_problem_copy

__all__ = [
    "PROBLEM_COLUMN", "CellError", "Column", "HeaderMatch", "ImportRefused", "ParsedRows",
    "Problem", "Table", "known_headers", "match_headers", "normalize_header", "parse_rows",
    "read_table", "summarize", "write_problem_copy",
]
