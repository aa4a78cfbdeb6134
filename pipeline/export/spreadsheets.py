"""Writing the curator tables: one XLSX workbook and one CSV file per table.

Every string cell goes through :func:`safe_cell` (formula injection). The workbook has a frozen
header row, filters on every sheet, widths fitted to the content (capped), wrapped long-text
columns, the review columns shaded so a curator sees where to type, and a drop-down list where
a column takes fixed values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from .safety import safe_cell
from .tables import ACTIONS, Table

MAX_WIDTH, WIDE_WIDTH, MIN_WIDTH = 40, 60, 8
REVIEW_FILL = PatternFill("solid", fgColor="FFF4CC")


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        if table.hidden:
            sheet.sheet_state = "hidden"
        sheet.append(table.header)
        for row in table.rows:
            sheet.append([safe_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(1, len(table.header)))
        sheet.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
        for index, name in enumerate(table.header, start=1):
            letter = get_column_letter(index)
            longest = max([len(str(name))] + [len(str(row[index - 1]).split("\n")[0])
                                              for row in table.rows if row[index - 1] is not None])
            wide = name in table.wide
            sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(
                longest + 2, WIDE_WIDTH if wide else MAX_WIDTH))
            if wide:
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in table.review:
                for cell in sheet[letter][1:]:
                    cell.fill = REVIEW_FILL
        if "action" in table.review:
            column = get_column_letter(table.header.index("action") + 1)
            check = DataValidation(type="custom", allow_blank=True, showErrorMessage=True,
                                   errorTitle="action",
                                   error=f"Use one of: {ACTIONS}",
                                   formula1=f'OR({column}2="",{column}2="keep",'
                                   f'{column}2="rename",{column}2="delete",'
                                   f'LEFT({column}2,6)="merge:")')
            sheet.add_data_validation(check)
            check.add(f"{column}2:{column}{max(2, len(table.rows) + 1)}")
        for name, values in table.choices:
            column = get_column_letter(table.header.index(name) + 1)
            pick = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                  allow_blank=True, showErrorMessage=True, errorTitle=name,
                                  error=f"Use one of: {', '.join(values)}")
            sheet.add_data_validation(pick)
            pick.add(f"{column}2:{column}{max(2, len(table.rows) + 1)}")
    return _reproducible_bytes(book)


# The same tables must give the same file: openpyxl stamps the save time into the document
# properties and every zip entry, so both get this fixed time instead.
FIXED_TIME = datetime(1980, 1, 1)


class _FixedTimeZip(ZipFile):
    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):  # type: ignore[override]
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # type: ignore[override]
        with open(filename, "rb") as handle:  # sheets come from temporary files
            self.writestr(arcname or filename, handle.read())


def _reproducible_bytes(book: Workbook) -> bytes:
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()


def csv_text(table: Table, delimiter: str) -> str:
    """UTF-8 with a byte-order mark, so Excel opens it with the right encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
