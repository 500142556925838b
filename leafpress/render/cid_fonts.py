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

import hashlib
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
        for program, users in _cid_cff_programs(pdf).values():
            try:
                changed |= _shrink(program, users)
            except Exception:  # noqa: BLE001 - only smaller: a font fontTools cannot cut stays whole
                continue
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


def _cid_cff_programs(pdf) -> dict:
    """Each embedded OpenType (CFF) font program of a CIDFontType0 font, with every font
    dictionary that uses it: WeasyPrint may write several for one program, each listing its
    own glyphs (the Type0 font and the CIDFont)."""
    programs: dict = {}
    for obj in pdf.objects:
        if not isinstance(obj, type(pdf.Root)) or obj.get("/Subtype") != "/CIDFontType0":
            continue
        descriptor = obj.get("/FontDescriptor")
        program = descriptor.get("/FontFile3") if descriptor is not None else None
        if program is None or program.get("/Subtype") != "/OpenType":
            continue
        programs.setdefault(program.objgen, (program, []))[1].append(obj)
    parents = {}
    for obj in pdf.objects:
        if isinstance(obj, type(pdf.Root)) and obj.get("/Subtype") == "/Type0" and \
                "/DescendantFonts" in obj:
            parents.setdefault(obj.DescendantFonts[0].objgen, []).append(obj)
    for program, users in programs.values():
        users.extend(parent for user in list(users) for parent in parents.get(user.objgen, []))
    return programs


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


def subset_tag(family: str, cids: list[int]) -> str:
    """Six capital letters that differ between two subsets of one font (ISO 32000 9.6.4)."""
    digest = hashlib.sha256(f"{family}:{cids}".encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _shrink(program, users: list) -> bool:
    """Cut one font program down to the CIDs its fonts use; False when that is not safe or
    not worth it. users: the CIDFont and Type0 dictionaries that name it."""
    import pikepdf
    from fontTools import subset
    from fontTools.ttLib import TTFont

    otf = TTFont(io.BytesIO(program.read_bytes()), recalcBBoxes=False)  # the PDF gives its box
    if "CFF " not in otf or otf["maxp"].numGlyphs < MANY_GLYPHS:
        return False
    top = otf["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS"):  # not CID-keyed: glyphs are chosen by position
        return False
    cids = sorted(set().union(*(used_cids(user.W) for user in users if "/W" in user)))
    order = otf.getGlyphOrder()
    # WeasyPrint writes glyph positions as the codes; they are the glyphs' CIDs only where
    # the font's charset is the identity (as in Noto Sans CJK). Elsewhere, leave it whole.
    if any(cid >= len(order) or order[cid] != (f"cid{cid:05d}" if cid else ".notdef")
           for cid in cids):
        return False
    options = subset.Options()
    options.retain_gids = False
    options.notdef_outline = True
    options.layout_features = []  # shaping is done: the PDF holds glyphs, not text to shape
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=[order[cid] for cid in cids])
    subsetter.subset(otf)
    program.write(otf["CFF "].compile(otf))
    program.Subtype = pikepdf.Name("/CIDFontType0C")
    # One new name for the new subset, in every dictionary that names it.
    family = program_name(users).split("+", 1)[-1]
    name = pikepdf.Name(f"/{subset_tag(family, cids)}+{family}")
    for user in users:
        user.BaseFont = name
        if "/FontDescriptor" in user:
            user.FontDescriptor.FontName = name
        # The CIDs now pick glyphs through the charset; a CIDToGIDMap is for TrueType.
        if "/CIDToGIDMap" in user:
            del user["/CIDToGIDMap"]
    return True


def program_name(users: list) -> str:
    """The font's name as its descriptor gives it ("TSPJMR+Noto-Sans-CJK-SC")."""
    return str(next(user.FontDescriptor.FontName for user in users if "/FontDescriptor" in user))
