"""Every CSV the platform hands out, written one way: for a French spreadsheet.

A French Excel or LibreOffice opens a file correctly when it is UTF-8 with a byte order
mark and separated by ``;`` (``,`` is the decimal separator there). Headers are French;
values are labels, with a code column beside them where a code is needed to join with
other files (territory, department, theme and policy codes). Cells that a spreadsheet
would run as a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``…) are neutralised with a
leading apostrophe, as OWASP's CSV-injection guidance recommends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"
BOM = "\ufeff"


def safe_cell(value) -> str | int:
    """The cell as text: dates in French order, booleans as oui/non, formulas defused."""
    if value.__class__ is int:
        # Numbers are not formulas, even negative ones; the most common cell (ids) is
        # handed to the writer as is, which an export of two million rows notices.
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# Streamed in pieces of about this many characters: one piece per line made an export of
# two million lines spend more time handing pieces over than writing them.
PIECE_SIZE = 64 * 1024


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The file in pieces of whole lines (for streaming): BOM, header, rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER)
    buffer.write(BOM)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() >= PIECE_SIZE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(header, rows))


def csv_response(header: list[str], rows: Iterable[Iterable], filename: str):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
