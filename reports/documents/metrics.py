"""Width of a line of text in Times New Roman, to draw the decree's rules under it in DOCX.

Word has no "border as long as the text", so the line under the slogan (as long as the text)
and under the issuing body (1/3-1/2 of it) is a paragraph bottom border whose indents are
computed from the text's width. Liberation Serif and Tinos have the metrics of Times New Roman,
so measuring with either gives the width Word will draw with the real font.
"""

from functools import cache
from pathlib import Path

FONT_FILES = {
    # (bold, italic) -> candidates, metric-compatible with Times New Roman
    # Liberation 1.x (fonts-liberation) lacks the Vietnamese letters: Tinos and 2.x first.
    (False, False): ["times.ttf", "Tinos-Regular.ttf", "liberation2/LiberationSerif-Regular.ttf"],
    (True, False): ["timesbd.ttf", "Tinos-Bold.ttf", "liberation2/LiberationSerif-Bold.ttf"],
    (False, True): ["timesi.ttf", "Tinos-Italic.ttf", "liberation2/LiberationSerif-Italic.ttf"],
    (True, True): ["timesbi.ttf", "Tinos-BoldItalic.ttf", "liberation2/LiberationSerif-BoldItalic.ttf"],
}
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]

# Average advance of a Times New Roman glyph in em, used when no font file is found.
FALLBACK_EM = 0.5


@cache
def _font_path(bold: bool, italic: bool) -> Path | None:
    for name in FONT_FILES[(bold, italic)]:
        for folder in FONT_DIRS:
            if folder.is_dir():
                found = next(folder.rglob(name), None) if "/" not in name else _nested(folder, name)
                if found:
                    return found
    return None


def _nested(folder: Path, name: str) -> Path | None:
    parent, _, filename = name.partition("/")
    return next((p for p in folder.rglob(filename) if p.parent.name == parent), None)


@cache
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int] | None:
    path = _font_path(bold, italic)
    if path is None:
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap()
    metrics = font["hmtx"]
    advances = {code: metrics[glyph][0] for code, glyph in cmap.items()}
    return advances, font["head"].unitsPerEm


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """Printed width of ``text`` at ``size_pt`` in millimetres."""
    data = _advances(bold, italic)
    if data is None:
        em = len(text) * FALLBACK_EM
    else:
        advances, units = data
        default = units // 2
        em = sum(advances.get(ord(ch), default) for ch in text) / units
    return em * size_pt * 25.4 / 72
