"""PDF/UA repairs over WeasyPrint 70's tagged output: a pure function, PDF bytes in and out.

WeasyPrint tags well enough to start from, but a validator (the Matterhorn Protocol's
machine-checkable points) finds faults that come from how it builds the tag tree. Each
step below names the WeasyPrint behaviour it repairs; none removes painted content.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pikepdf
from pikepdf import Array, Dictionary, Name

# WeasyPrint writes each marked-content sequence as "/Span\n<</MCID 3>>\nBDC".
_BDC = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
REPEATED_HEADER = b"/Artifact <</Type /Pagination>> BDC"


def repair(data: bytes) -> bytes:
    """The PDF with footers as artifacts, one Link per link, one Table per table, an IDTree."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data  # untagged (nothing to repair)
        tree = _Tree(pdf)
        repeated = tree.join_split_tables()
        tree.flatten_links()
        tree.prune_empty()
        tree.add_scope_and_id_tree()
        tree.mark_artifacts(repeated)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


def _kids(element: Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")


class _Tree:
    """The structure tree with each element's page, and the ParentTree kept in step."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        self.document = _kids(self.root)[0]

    # ---- 1. Tables that cross a page break ----
    def join_split_tables(self) -> dict[int, set[int]]:
        """Join the per-page pieces of <main> and of each table it holds; return the MCIDs
        (page -> ids) of the header rows WeasyPrint repeated, to become artifacts.

        WeasyPrint builds the tag tree page by page (tags.py, _build_box_tree per page), so
        an element that crosses a page break becomes one element per page: <main> is one
        /Part per page, and a table two /Table elements with its header row tagged twice.
        There is one <main>, so its pieces are joined; a table is joined with the next when
        it ends one page's piece and the next piece starts with a table whose header row
        has the same shape (the repeat that `display: table-header-group` paints).
        """
        repeated: dict[int, set[int]] = defaultdict(set)
        kids = _kids(self.document)
        parts = [kid for kid in kids if _is_element(kid) and kid.get("/S") == "/Part"]
        if len(parts) < 2:
            return repeated
        main = parts[0]
        for piece in parts[1:]:
            joined = _kids(main)
            incoming = _kids(piece)
            if (joined and incoming and joined[-1].get("/S") == "/Table"
                    and incoming[0].get("/S") == "/Table"
                    and self._join_tables(joined[-1], incoming[0], repeated)):
                incoming = incoming[1:]
            for kid in incoming:
                if _is_element(kid):
                    kid.P = main
            main.K = Array(joined + incoming)
        self.document.K = Array([kid for kid in kids
                                 if not any(kid.objgen == p.objgen for p in parts[1:])])
        return repeated

    def _join_tables(self, first: Dictionary, second: Dictionary,
                     repeated: dict[int, set[int]]) -> bool:
        """Move second's body rows into first when second repeats first's header row."""
        head = _child(first, "/THead")
        again = _child(second, "/THead")
        if head is None or again is None or _cell_shape(head) != _cell_shape(again):
            return False
        # The repeat's header cells stand for the first's: re-point the body's /Headers.
        ids = {str(new.get("/ID")): old.get("/ID")
               for old, new in zip(_cells(head, "/TH"), _cells(again, "/TH"))}
        for mcid, page in self._marked(again):
            repeated[page].add(mcid)
        body = _child(first, "/TBody")
        for kid in _kids(second):
            if not _is_element(kid) or kid.get("/S") == "/THead":
                continue
            for cell in _cells(kid, "/TD"):
                attributes = cell.get("/A")
                if attributes is not None and "/Headers" in attributes:
                    attributes.Headers = Array([ids.get(str(h), h) for h in attributes.Headers])
            if kid.get("/S") == "/TBody" and body is not None:
                rows = _kids(kid)
                for row in rows:
                    row.P = body
                body.K = Array(_kids(body) + rows)
            else:
                kid.P = first
                first.K = Array(_kids(first) + [kid])
        return True

    def _marked(self, element: Dictionary):
        """(mcid, page index) of every marked-content sequence under element."""
        page = self.pages.get(element.Pg.objgen) if "/Pg" in element else None
        for kid in _kids(element):
            if isinstance(kid, int):
                yield kid, page
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                yield int(kid.MCID), self.pages.get(kid.Pg.objgen, page)
            elif _is_element(kid):
                yield from self._marked(kid)

    # ---- 2. Links ----
    def flatten_links(self) -> None:
        """Make each Link element hold its own text and annotations, none of zero area.

        WeasyPrint gives every inline box inside <a> its own annotation and its own Span or
        NonStruct element (the address under the QR code, split into spans to break after
        slashes, became 8 annotations, 4 of them zero-width at the <wbr> breaks), and a
        generated `a::after` becomes a Link nested inside the Link. Everything under a Link
        is lifted into it: its MCIDs, and its annotations unless they have no area.
        """
        for link in list(self._elements("/Link")):
            page = link.get("/Pg")
            kids: list = []
            self._collect_link(link, page, kids)
            link.K = Array(kids)

    def _collect_link(self, element: Dictionary, page, kids: list) -> None:
        for kid in _kids(element):
            if isinstance(kid, int):
                kids.append(kid if element.get("/Pg") == page else
                            Dictionary(Type=Name.MCR, MCID=kid, Pg=element.Pg))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                kids.append(kid)
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                if _area(kid.Obj) > 0:
                    kids.append(kid)
                else:
                    self._drop_annotation(kid)
            elif _is_element(kid):
                self._collect_link(kid, page, kids)

    def _drop_annotation(self, objr: Dictionary) -> None:
        annotation = objr.Obj
        page = objr.Pg
        page.Annots = Array([a for a in page.get("/Annots", Array())
                             if a.objgen != annotation.objgen])

    # ---- 3. Empty elements ----
    def prune_empty(self) -> None:
        """Drop elements with nothing in them (WeasyPrint tags a clearing ::after block
        or a <wbr> as an empty NonStruct, which a validator reports inside a list)."""

        def prune(element: Dictionary) -> bool:
            kept = []
            for kid in _kids(element):
                if _is_element(kid) and not prune(kid):
                    continue
                kept.append(kid)
            if "/K" in element:
                element.K = Array(kept)
            return bool(kept) or element.get("/S") == "/Figure"

        prune(self.document)

    # ---- 4. Table headers ----
    def add_scope_and_id_tree(self) -> None:
        """Give each TH a /Scope and the tree the /IDTree its TD /Headers need.

        WeasyPrint 70 writes TH /ID and TD /Headers but no /IDTree, which ISO 32000-1
        requires for IDs to resolve; nor /Scope, which most screen readers read instead.
        """
        ids: dict[bytes, Dictionary] = {}
        for element, parent in self._walk(self.document, None):
            if "/ID" in element:
                ids[bytes(element.ID)] = element
            if element.get("/S") == "/TH":
                in_head = any(a.get("/S") == "/THead" for a in self._ancestors(parent))
                first = parent is not None and _kids(parent)[:1] == [element]
                scope = "/Column" if in_head or not first else "/Row"
                attributes = element.get("/A")
                if attributes is None:
                    element.A = attributes = Dictionary(O=Name.Table)
                attributes.Scope = Name(scope)
        if ids:
            names = Array()
            for key in sorted(ids):
                names.append(pikepdf.String(key))
                names.append(ids[key])
            self.root.IDTree = self.pdf.make_indirect(Dictionary(Names=names))

    # ---- 5. Artifacts, and a ParentTree that points only into the tree ----
    def mark_artifacts(self, repeated: dict[int, set[int]]) -> None:
        """Rewrite as artifacts the marked content that no element in the tree reaches.

        WeasyPrint tags what it draws in page-margin boxes (our running footer) as Spans
        under a NonStruct it never links into the tree ("could be included in tree as
        Artifact, but that's only allowed in PDF 2.0", tags.py), so the footer is orphaned
        content and the ParentTree points at elements outside the tree. PDF/UA-1 wants page
        furniture as /Artifact sequences; the repeated table header rows go the same way.
        """
        reached: dict[int, dict[int, Dictionary]] = defaultdict(dict)
        annotations: dict[tuple, Dictionary] = {}
        for element, _ in self._walk(self.document, None):
            page = self.pages.get(element.Pg.objgen) if "/Pg" in element else None
            for kid in _kids(element):
                if isinstance(kid, int):
                    reached[page][kid] = element
                elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                    reached[self.pages[kid.Pg.objgen]][int(kid.MCID)] = element
                elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                    annotations[kid.Obj.objgen] = element

        nums = Array()
        for index, page in enumerate(self.pdf.pages):
            mcids = reached.get(index, {})
            top = max(mcids, default=-1)
            if "/StructParents" in page:
                nums.append(int(page.StructParents))
                nums.append(self.pdf.make_indirect(
                    Array([mcids.get(i, None) for i in range(top + 1)])))
            self._rewrite(page, set(mcids), repeated.get(index, set()))
        # Annotations get fresh StructParent keys after the pages' ones.
        key = max((int(p.StructParents) for p in self.pdf.pages if "/StructParents" in p),
                  default=-1) + 1
        for page in self.pdf.pages:
            for annotation in page.get("/Annots", Array()):
                element = annotations.get(annotation.objgen)
                if element is None:
                    if "/StructParent" in annotation:
                        del annotation["/StructParent"]
                    continue
                annotation.StructParent = key
                nums.append(key)
                nums.append(element)
                key += 1
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = key

    def _rewrite(self, page: pikepdf.Page, tagged: set[int], repeated: set[int]) -> None:
        """Turn each marked-content sequence whose MCID the tree does not reach into an
        artifact (the sequence stays, with everything it paints)."""
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()

            def artifact(match: re.Match) -> bytes:
                mcid = int(match.group(2))
                if mcid in tagged:
                    return match.group(0)
                return REPEATED_HEADER if mcid in repeated else FOOTER

            fixed = _BDC.sub(artifact, data)
            if fixed != data:
                stream.write(fixed)  # compressed again when saved

    # ---- walking ----
    def _elements(self, role: str):
        for element, _ in self._walk(self.document, None):
            if element.get("/S") == role:
                yield element

    def _walk(self, element: Dictionary, parent: Dictionary | None):
        """Every element under (and including) element, with its parent, in order."""
        yield element, parent
        for kid in _kids(element):
            if _is_element(kid):
                yield from self._walk(kid, element)

    def _ancestors(self, element: Dictionary | None):
        seen = 0
        while element is not None and seen < 100:
            yield element
            element = element.get("/P")
            seen += 1
            if element is not None and element.get("/Type") == "/StructTreeRoot":
                return


def _child(element: Dictionary, role: str) -> Dictionary | None:
    return next((kid for kid in _kids(element) if _is_element(kid) and kid.get("/S") == role),
                None)


def _cells(element: Dictionary, role: str) -> list[Dictionary]:
    """Every role cell (TH or TD) under element, in order."""
    found = []
    for kid in _kids(element):
        if _is_element(kid):
            if kid.get("/S") == role:
                found.append(kid)
            elif kid.get("/S") in ("/TR", "/THead", "/TBody", "/TFoot"):
                found.extend(_cells(kid, role))
    return found


def _cell_shape(head: Dictionary) -> list[int]:
    return [len([c for c in _kids(row) if _is_element(c)]) for row in _kids(head)
            if _is_element(row)]


def _area(annotation: Dictionary) -> float:
    x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
    return abs(x2 - x1) * abs(y2 - y1)
