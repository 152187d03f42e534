"""Text folding for search that ignores Vietnamese diacritics and case, on any database.

The Python half: the stored folded columns (Unit.search_text) and the words of a query. The SQL
half, for free text, is core.search.Fold, which folds the same way in the database.
"""

import unicodedata


def fold(text: str | None) -> str:
    """Return ``text`` without diacritics, with đ -> d, case-folded and with spaces collapsed.

    "Xã Bình Tấn" -> "xa binh tan"; "Đắk Lắk" -> "dak lak". The same function folds the stored
    column and the user's query, so SQLite and PostgreSQL behave the same.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())
