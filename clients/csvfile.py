"""Reading a spreadsheet export: bytes to header and rows, whatever Swedish Excel wrote.

Excel saves "CSV UTF-8" with a BOM and "CSV" in cp1252 (Windows), with ';' as separator
where the decimal mark is a comma; other tools write ',' or tabs (UTF-16 "Unicode text").
Problems are raised as FileProblem with a translated message; nothing here knows clients.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
TOO_LARGE = _l("The file is too large: at most 1 MB and 2,000 rows.")
DELIMITERS = (";", ",", "\t")
# Control characters never found in a text export (tab, CR and LF are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileProblem(Exception):
    """The file as a whole cannot be read (its message is for the user)."""


def decode(data: bytes) -> str:
    """The text of the file: UTF-16 with BOM, UTF-8 (BOM or not), else cp1252 or Latin-1."""
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileProblem(str(TOO_LARGE))
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = _decode_8bit(data)
    except UnicodeDecodeError:
        text = "\x00"
    if _CONTROL.search(text):
        raise FileProblem(
            _("The file is not a CSV text file. Save it from Excel as CSV (semicolon separated).")
        )
    return text


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def delimiter(text: str) -> str:
    """The separator the header line uses most (';', ',' or tab)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise FileProblem(
            _("Found no columns in the first row. Separate the columns with ';' or ','.")
        )
    return best


def read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the non-blank rows as (spreadsheet row number, cells); the header is row 1."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as error:
        raise FileProblem(_("The file is not a readable CSV file.")) from error
    return header, _numbered(reader)


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    count = 0
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # Excel writes ';;;;' lines under the data
            count += 1
            if count > MAX_ROWS:
                raise FileProblem(str(TOO_LARGE))
            yield number, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise FileProblem(_("The file is not a readable CSV file.")) from error
