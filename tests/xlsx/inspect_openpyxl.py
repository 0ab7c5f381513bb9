"""Prints what openpyxl sees in a workbook written by qdx (used by test_xlsx):
sheet:rows, frozen panes, filters, the fill of theme colour cells, the type
of date cells, and the number of formula cells. Exit 3 when openpyxl is missing."""
import sys

try:
    import openpyxl
except ImportError as e:  # pragma: no cover
    print(e)
    sys.exit(3)

wb = openpyxl.load_workbook(sys.argv[1])
formulas = 0
for ws in wb.worksheets:
    print("%s:%d" % (ws.title, ws.max_row))
    print("freeze:%s:%s" % (ws.title, ws.freeze_panes))
    print("filter:%s:%s" % (ws.title, ws.auto_filter.ref))
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.data_type == "f":
                formulas += 1
    if ws.title == "Themes":
        ci, ii = header.index("colour"), header.index("theme_id")
        for row in ws.iter_rows(min_row=2):
            if row[ci].value:
                print("fill:%s:%s" % (row[ii].value, row[ci].fill.fgColor.rgb))
    if ws.title == "Excerpts":
        di = header.index("date")
        for row in ws.iter_rows(min_row=2):
            if row[di].value is not None:
                print("date:Excerpts:date:%s" % type(row[di].value).__name__)
                break
print("formulas:%d" % formulas)
