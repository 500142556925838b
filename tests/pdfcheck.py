"""A PDF/UA-1 structure check for tests, written with pikepdf apart from the code under test.

It covers the Matterhorn Protocol's machine-checkable points that leaflets can fail: each
function returns a list of faults in words (empty when the file passes), so a failing test
says what a validator would have said.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary

PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*",
            "INLINE IMAGE"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def kids(element) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")


def walk(element, parent=None):
    """(element, parent) for every structure element under element, in reading order."""
    for kid in kids(element):
        if is_element(kid):
            yield kid, element
            yield from walk(kid, kid)


class Structure:
    """One tagged PDF opened for checking."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.pdf = pikepdf.open(path)
        self.pages = {page.objgen: index for index, page in enumerate(self.pdf.pages)}
        self.root = self.pdf.Root.get("/StructTreeRoot")

    def close(self) -> None:
        self.pdf.close()

    def elements(self, role: str | None = None) -> list[Dictionary]:
        if self.root is None:
            return []
        return [e for e, _ in walk(self.root) if role is None or e.get("/S") == role]

    def page_of(self, element) -> int | None:
        return self.pages.get(element.Pg.objgen) if "/Pg" in element else None

    def tree_mcids(self) -> dict[int, dict[int, Dictionary]]:
        """page -> {mcid: element} for every MCID the tree reaches."""
        found: dict[int, dict[int, Dictionary]] = defaultdict(dict)
        for element in self.elements():
            for kid in kids(element):
                if isinstance(kid, int):
                    found[self.page_of(element)][kid] = element
                elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                    found[self.pages[kid.Pg.objgen]][int(kid.MCID)] = element
        return found

    # ---- the checks ----
    def document_faults(self) -> list[str]:
        """Marked, StructTreeRoot, /Lang, dc:title shown as the window title, pdfuaid:part."""
        faults = []
        root = self.pdf.Root
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            faults.append("MarkInfo /Marked is not true")
        if self.root is None:
            faults.append("no StructTreeRoot")
        if not str(root.get("/Lang", "")).strip():
            faults.append("no document /Lang")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            faults.append("ViewerPreferences /DisplayDocTitle is not true")
        xmp = str(self.pdf.open_metadata())
        title = re.search(r"<dc:title>.*?<rdf:li[^>]*>([^<]+)</rdf:li>", xmp, re.S)
        if not title or not title.group(1).strip():
            faults.append("no dc:title in the XMP metadata")
        if not re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp):
            faults.append("no pdfuaid:part 1 in the XMP metadata")
        return faults

    def font_faults(self) -> list[str]:
        """Every font used is embedded and has a ToUnicode map."""
        faults = []
        for index, page in enumerate(self.pdf.pages):
            for name, font in _fonts(page.obj.get("/Resources")):
                base = str(font.get("/BaseFont", name))
                descriptor = font.get("/FontDescriptor")
                if font.get("/Subtype") == "/Type0":
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in
                                                 ("/FontFile", "/FontFile2", "/FontFile3")):
                    faults.append(f"page {index + 1}: font {base} is not embedded")
                if "/ToUnicode" not in font:
                    faults.append(f"page {index + 1}: font {base} has no ToUnicode")
        return sorted(set(faults))

    def figure_faults(self) -> list[str]:
        return [f"Figure on page {self.page_of(e)} has no /Alt" for e in self.elements("/Figure")
                if not str(e.get("/Alt", "")).strip()]

    def heading_faults(self) -> list[str]:
        """One H1 first; no heading more than one level below the one before it."""
        levels = [int(str(e.S)[2:]) for e in self.elements()
                  if re.fullmatch(r"/H[1-6]", str(e.get("/S")))]
        faults = [] if levels[:1] == [1] else [f"first heading is H{levels[:1]}, not H1"]
        for before, after in zip(levels, levels[1:]):
            if after > before + 1:
                faults.append(f"heading jumps from H{before} to H{after}")
        if levels.count(1) != 1:
            faults.append(f"{levels.count(1)} H1 headings")
        return faults

    def tab_faults(self) -> list[str]:
        return [f"page {i + 1}: /Tabs is not /S" for i, page in enumerate(self.pdf.pages)
                if page.obj.get("/Tabs") != "/S"]

    def content_faults(self) -> list[str]:
        """Every painting operator is in tagged content or an artifact; every MCID in the
        content is reached from the tree, and the tree reaches none that is not there."""
        faults = []
        reached = self.tree_mcids()
        for index, page in enumerate(self.pdf.pages):
            seen: set[int] = set()
            untagged = 0
            stack: list[tuple[str, int | None]] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BDC":
                    props = operands[1]
                    mcid = int(props["/MCID"]) if isinstance(props, Dictionary) and \
                        "/MCID" in props else None
                    stack.append((str(operands[0]), mcid))
                    if mcid is not None:
                        if mcid in seen:
                            faults.append(f"page {index + 1}: MCID {mcid} used twice")
                        seen.add(mcid)
                elif op == "BMC":
                    stack.append((str(operands[0]), None))
                elif op == "EMC":
                    stack.pop()
                elif op in PAINTING and not any(
                        tag == "/Artifact" or mcid is not None for tag, mcid in stack):
                    untagged += 1
            if untagged:
                faults.append(f"page {index + 1}: {untagged} painting operators neither "
                              "tagged nor artifacts")
            tree = set(reached.get(index, {}))
            if seen - tree:
                faults.append(f"page {index + 1}: MCIDs {sorted(seen - tree)} are not in the "
                              "structure tree (orphaned content)")
            if tree - seen:
                faults.append(f"page {index + 1}: the tree names MCIDs {sorted(tree - seen)} "
                              "that the page does not have")
        return faults

    def parent_tree_faults(self) -> list[str]:
        """Every ParentTree entry points at an element in the tree that holds that MCID."""
        faults = []
        in_tree = {e.objgen for e in self.elements()}
        reached = self.tree_mcids()
        numbers = _number_tree(self.root.ParentTree)
        for index, page in enumerate(self.pdf.pages):
            if "/StructParents" not in page.obj:
                faults.append(f"page {index + 1}: no /StructParents")
                continue
            entries = numbers.get(int(page.obj.StructParents))
            for mcid, element in enumerate(entries if entries is not None else []):
                if element is None:  # an artifact's number, or one never used
                    continue
                if element.objgen not in in_tree:
                    faults.append(f"page {index + 1}: ParentTree entry {mcid} is outside the "
                                  "structure tree")
                elif reached.get(index, {}).get(mcid) is None or \
                        reached[index][mcid].objgen != element.objgen:
                    faults.append(f"page {index + 1}: ParentTree entry {mcid} names the "
                                  "wrong element")
        return faults

    def link_faults(self) -> list[str]:
        """Each link annotation: area, /Contents, a StructParent that is a Link element
        holding its OBJR; each Link element holds only its content and annotations."""
        faults = []
        numbers = _number_tree(self.root.ParentTree)
        for index, page in enumerate(self.pdf.pages):
            for annotation in page.obj.get("/Annots", Array()):
                if annotation.get("/Subtype") != "/Link":
                    continue
                where = f"page {index + 1}: link to {annotation.get('/A', {}).get('/URI')}"
                x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
                if abs(x2 - x1) * abs(y2 - y1) <= 0:
                    faults.append(f"{where} has zero area")
                if not str(annotation.get("/Contents", "")).strip():
                    faults.append(f"{where} has no /Contents")
                parent = numbers.get(int(annotation.get("/StructParent", -1)))
                if parent is None or not isinstance(parent, Dictionary):
                    faults.append(f"{where} has no structure parent")
                elif parent.get("/S") != "/Link":
                    faults.append(f"{where} is under {parent.get('/S')}, not a Link")
                elif not any(isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"
                             and k.Obj.objgen == annotation.objgen for k in kids(parent)):
                    faults.append(f"{where}: its Link element has no OBJR for it")
        for index, page in enumerate(self.pdf.pages):
            rects = [(str(a.get("/A", {}).get("/URI")), sorted(float(v) for v in a.Rect[::2])
                      + sorted(float(v) for v in a.Rect[1::2]))
                     for a in page.obj.get("/Annots", Array()) if a.get("/Subtype") == "/Link"]
            for i, (uri, (x1, x2, y1, y2)) in enumerate(rects):
                for j, (other, (u1, u2, v1, v2)) in enumerate(rects):
                    if i != j and uri == other and u1 - 0.5 <= x1 and x2 <= u2 + 0.5 \
                            and v1 - 0.5 <= y1 and y2 <= v2 + 0.5 and (i < j or (x1, x2, y1, y2) != (u1, u2, v1, v2)):
                        faults.append(f"page {index + 1}: a link to {uri} lies inside another "
                                      "(an extra tab stop)")
        for link in self.elements("/Link"):
            inner = [k.get("/S") for k in kids(link) if is_element(k)]
            if inner:
                faults.append(f"Link on page {self.page_of(link)} has elements inside: {inner}")
            if not any(isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"
                       for k in kids(link)):
                faults.append(f"Link on page {self.page_of(link)} has no annotation")
        return faults

    def table_faults(self) -> list[str]:
        """TD /Headers resolve through an /IDTree to a TH of the same table (or every TH
        has a /Scope); one header row group per table."""
        faults = []
        ids = _name_tree(self.root.get("/IDTree"))
        for table in self.elements("/Table"):
            cells = {e.objgen for e, _ in walk(table) if e.get("/S") in ("/TH", "/TD")}
            heads = [e for e, _ in walk(table) if e.get("/S") == "/THead"]
            if len(heads) > 1:
                faults.append(f"table on page {self.page_of(table)} has {len(heads)} THead")
            for th in (e for e, _ in walk(table) if e.get("/S") == "/TH"):
                if "/Scope" not in th.get("/A", {}) and "/ID" not in th:
                    faults.append(f"TH on page {self.page_of(th)} has neither /Scope nor /ID")
            for td in (e for e, _ in walk(table) if e.get("/S") == "/TD"):
                for header in td.get("/A", {}).get("/Headers", []):
                    target = ids.get(bytes(header))
                    if target is None:
                        faults.append(f"TD /Headers {bytes(header)!r} is not in the IDTree")
                    elif target.get("/S") != "/TH" or target.objgen not in cells:
                        faults.append(f"TD /Headers {bytes(header)!r} is not a TH of its table")
        return faults

    def list_faults(self) -> list[str]:
        """L holds LI (or Caption, or a nested L); LI holds Lbl and LBody; nothing empty."""
        faults = []
        for element in self.elements():
            role = element.get("/S")
            inner = [k.get("/S") for k in kids(element) if is_element(k)]
            if role == "/L" and set(inner) - {"/LI", "/Caption", "/L"}:
                faults.append(f"L on page {self.page_of(element)} holds {inner}")
            if role == "/LI" and (set(inner) - {"/Lbl", "/LBody"} or "/LBody" not in inner):
                faults.append(f"LI on page {self.page_of(element)} holds {inner}")
            if not kids(element) and role != "/Figure":
                faults.append(f"empty {role} on page {self.page_of(element)}")
        return faults

    def all_faults(self) -> list[str]:
        if self.root is None:
            return self.document_faults()
        return (self.document_faults() + self.font_faults() + self.figure_faults()
                + self.heading_faults() + self.tab_faults() + self.content_faults()
                + self.parent_tree_faults() + self.link_faults() + self.table_faults()
                + self.list_faults())

    # ---- what a page shows, as tagged content or as artifacts ----
    def text_sizes(self, artifacts: bool) -> dict[int, list[float]]:
        """page -> the size in points of each text run drawn on the page itself (not inside
        images), in tagged content (artifacts=False) or in artifacts (artifacts=True)."""
        sizes: dict[int, list[float]] = defaultdict(list)
        for index, page in enumerate(self.pdf.pages):
            ctm = [1.0, 0, 0, 1.0, 0, 0]
            saved = []
            stack: list[str] = []
            font_size = 0.0
            matrix_scale = 1.0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    saved.append(list(ctm))
                elif op == "Q":
                    ctm = saved.pop()
                elif op == "cm":
                    ctm = _multiply([float(v) for v in operands], ctm)
                elif op in ("BDC", "BMC"):
                    stack.append(str(operands[0]))
                elif op == "EMC":
                    stack.pop()
                elif op == "Tf":
                    font_size = float(operands[1])
                elif op == "Tm":
                    a, b, c, d = (float(v) for v in operands[:4])
                    matrix_scale = math.sqrt(abs(a * d - b * c))
                elif op in TEXT_SHOWING:
                    scale = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]))
                    if ("/Artifact" in stack) == artifacts:
                        sizes[index].append(round(font_size * matrix_scale * scale, 2))
        return sizes


def _multiply(m, n):
    """m × n for PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def _fonts(resources, seen=None):
    """(name, font) for every font in resources and in the forms they use."""
    seen = set() if seen is None else seen
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for name, font in resources.get("/Font", {}).items():
        yield name, font
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), seen)


def _number_tree(node) -> dict[int, object]:
    found = {}
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_number_tree(kid))
    return found


def _name_tree(node) -> dict[bytes, Dictionary]:
    if node is None:
        return {}
    found = {}
    names = node.get("/Names", Array())
    for i in range(0, len(names), 2):
        found[bytes(names[i])] = names[i + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_name_tree(kid))
    return found


def keep_only(path: Path, out: Path, artifacts: bool) -> Path:
    """A copy of the PDF that paints only its artifacts (artifacts=True) or only what is
    not an artifact, for reading each back with pdftotext."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            kept = []
            stack: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                inside = "/Artifact" in stack
                if op in ("BDC", "BMC"):
                    stack.append(str(operands[0]))
                elif op == "EMC":
                    stack.pop()
                elif op in PAINTING and inside != artifacts:
                    continue
                kept.append((operands, operator))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(out)
    return out
