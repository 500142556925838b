"""Smaller Chinese, Japanese and Korean PDFs: their fonts cut down to the glyphs they use.

WeasyPrint 70 subsets every font it embeds but keeps each glyph's place, so a CJK font
(Noto Sans CJK has 63,153 glyphs) still carries an empty slot for every glyph it dropped:
about 140 KB a font, most of a Chinese leaflet's 380 KB. Those fonts are CID-keyed CFF,
where the text selects a glyph by its CID through the font's own charset, not by position;
so they can be cut down to the glyphs used, each keeping its CID, and embedded as a bare
CID-keyed CFF (FontFile3 /CIDFontType0C, the classic form for such fonts). Widths, text
(ToUnicode) and the tag tree are untouched; a pure function, PDF bytes in and out.
"""

from __future__ import annotations

import io

# A font with fewer glyphs than this is left alone: the empty slots cost little.
MANY_GLYPHS = 5000


def shrink_cid_fonts(data: bytes) -> bytes:
    """The PDF with each large CID-keyed CFF font cut down to the glyphs it uses."""
    if b"/OpenType" not in data:  # no CFF font embedded as OpenType: nothing to do
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        changed = False
        for font in _cid_cff_fonts(pdf):
            try:
                changed |= _shrink(font)
            except Exception:  # noqa: BLE001 - only smaller: a font fontTools cannot cut stays whole
                continue
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


def _cid_cff_fonts(pdf):
    """Each CIDFontType0 font whose program is an embedded OpenType (CFF) file, once."""
    seen = set()
    for obj in pdf.objects:
        if not isinstance(obj, type(pdf.Root)) or obj.get("/Subtype") != "/CIDFontType0":
            continue
        descriptor = obj.get("/FontDescriptor")
        program = descriptor.get("/FontFile3") if descriptor is not None else None
        if program is None or program.get("/Subtype") != "/OpenType" or program.objgen in seen:
            continue
        seen.add(program.objgen)
        yield obj


def used_cids(widths) -> set[int]:
    """The CIDs a /W array gives widths for (WeasyPrint lists every glyph it drew), and 0."""
    cids, items, index = {0}, list(widths), 0
    while index < len(items):
        first = int(items[index])
        if index + 1 < len(items) and isinstance(items[index + 1], type(widths)):
            cids.update(range(first, first + len(items[index + 1])))
            index += 2
        else:  # c_first c_last width
            cids.update(range(first, int(items[index + 1]) + 1))
            index += 3
    return cids


def _shrink(font) -> bool:
    """Cut one font's program down to its used CIDs; False when it is not worth it."""
    import pikepdf
    from fontTools import subset
    from fontTools.ttLib import TTFont

    program = font.FontDescriptor.FontFile3
    otf = TTFont(io.BytesIO(program.read_bytes()), recalcBBoxes=False)  # the PDF gives its box
    if "CFF " not in otf or otf["maxp"].numGlyphs < MANY_GLYPHS:
        return False
    top = otf["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS"):  # not CID-keyed: glyphs are chosen by position
        return False
    names = set(otf.getGlyphOrder())
    keep = [name for name in (f"cid{cid:05d}" for cid in sorted(used_cids(font.W)))
            if name in names]
    options = subset.Options()
    options.retain_gids = False
    options.notdef_outline = True
    options.layout_features = []  # shaping is done: the PDF holds glyphs, not text to shape
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=keep)
    subsetter.subset(otf)
    cff = otf["CFF "].compile(otf)
    program.write(cff)
    program.Subtype = pikepdf.Name("/CIDFontType0C")
    return True
