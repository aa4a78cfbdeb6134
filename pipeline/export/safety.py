"""Corpus text is untrusted: neutralise it for spreadsheets before it lands in a cell.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@``
(and, after a tab or carriage return, the same) as a formula, which a crafted story could use
to run commands or leak data (CSV injection, OWASP). Such a cell gets a leading apostrophe,
the usual neutraliser that spreadsheet programs show as plain text. Control characters that
XLSX cannot store are removed. HTML escaping is the templating engine's job (autoescape on).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may store it: strings neutralised, other types unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
