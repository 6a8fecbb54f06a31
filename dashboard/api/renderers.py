"""``?format=csv`` on the analytics endpoints: each view hands this renderer a list of flat
rows (dicts with the same keys). Cells that a spreadsheet would run as a formula are quoted."""

import csv
import io

from rest_framework.renderers import BaseRenderer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = data if isinstance(data, list) else [data]
        # No rows: the header alone, when the view names its columns (an empty body loses its
        # Content-Type in DRF).
        columns = list(rows[0]) if rows else getattr(_view(renderer_context), "csv_columns", [])
        if not columns:
            return b""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
        return out.getvalue().encode(self.charset)


def _view(renderer_context):
    return (renderer_context or {}).get("view")
