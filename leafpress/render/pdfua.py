"""PDF/UA repairs over WeasyPrint 70's tagged output: a pure function, PDF bytes in and out.

WeasyPrint tags well enough to start from, but a validator (the Matterhorn Protocol's
machine-checkable points) finds faults that come from how it builds the tag tree. Each
step below names the WeasyPrint behaviour it repairs; none removes painted content.
The tree is read once into plain Python objects, repaired there and written back, because
reading PDF objects through pikepdf one at a time costs more than the repairs themselves.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

# WeasyPrint writes each marked-content sequence as "/Span\n<</MCID 3>>\nBDC".
_BDC = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
REPEATED_HEADER = b"/Artifact <</Type /Pagination>> BDC"


@dataclass(eq=False)
class _Node:
    """One structure element: its PDF object, role, page index and kids (nodes, MCIDs as
    (page, mcid) pairs, and link annotations as ("annotation", OBJR) pairs)."""

    obj: Dictionary
    role: str
    page: int | None
    kids: list = field(default_factory=list)
    parent: _Node | None = None
    changed: bool = False

    def elements(self) -> list[_Node]:
        return [kid for kid in self.kids if isinstance(kid, _Node)]

    def child(self, role: str) -> _Node | None:
        return next((kid for kid in self.elements() if kid.role == role), None)

    def set_kids(self, kids: list) -> None:
        for kid in kids:
            if isinstance(kid, _Node) and kid.parent is not self:
                kid.parent = self
                kid.changed = True  # its /P
        self.kids = kids
        self.changed = True

    def walk(self):
        """This node and every node under it, in reading order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, _Node):
                yield from kid.walk()


def repair(data: bytes) -> bytes:
    """The PDF with footers as artifacts, one Link per link, one Table per table, an IDTree."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data  # untagged (nothing to repair)
        tree = _Tree(pdf)
        repeated = tree.join_split_tables()
        tree.flatten_links()
        tree.prune_empty(tree.document)
        tree.add_scope_and_id_tree()
        tree.write_back()
        tree.mark_artifacts(repeated)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


class _Tree:
    """The structure tree as _Nodes, and the ParentTree rebuilt from it."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.page_objects = list(pdf.pages)
        self.pages = {page.objgen: index for index, page in enumerate(self.page_objects)}
        self.document = self._read(self.root.K[0] if isinstance(self.root.K, Array)
                                   else self.root.K, None)

    def _read(self, obj: Dictionary, parent: _Node | None) -> _Node:
        pg = obj.get("/Pg")
        node = _Node(obj, str(obj.get("/S")), self.pages.get(pg.objgen) if pg is not None
                     else None, parent=parent)
        kids = obj.get("/K")
        for kid in (kids if isinstance(kids, Array) else [] if kids is None else [kids]):
            if isinstance(kid, int):
                node.kids.append((node.page, kid))
            elif isinstance(kid, Dictionary):
                kind = kid.get("/Type")
                if kind == "/MCR":
                    node.kids.append((self.pages[kid.Pg.objgen], int(kid.MCID)))
                elif kind == "/OBJR":
                    node.kids.append(("annotation", kid))
                else:
                    node.kids.append(self._read(kid, node))
        return node

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
        parts = [kid for kid in self.document.elements() if kid.role == "/Part"]
        if len(parts) < 2:
            return repeated
        main = parts[0]
        for piece in parts[1:]:
            joined, incoming = main.kids, piece.kids
            if (joined and incoming and isinstance(joined[-1], _Node)
                    and isinstance(incoming[0], _Node) and joined[-1].role == "/Table"
                    and incoming[0].role == "/Table"
                    and self._join_tables(joined[-1], incoming[0], repeated)):
                incoming = incoming[1:]
            main.set_kids(joined + incoming)
        self.document.set_kids([kid for kid in self.document.kids if kid not in parts[1:]])
        return repeated

    def _join_tables(self, first: _Node, second: _Node,
                     repeated: dict[int, set[int]]) -> bool:
        """Move second's body rows into first when second repeats first's header row."""
        head, again = first.child("/THead"), second.child("/THead")
        if head is None or again is None or _shape(head) != _shape(again):
            return False
        # The repeat's header cells stand for the first's: re-point the body's /Headers.
        ids = {bytes(new.obj.ID): old.obj.ID for old, new in zip(_cells(head, "/TH"),
                                                                _cells(again, "/TH"))
               if "/ID" in new.obj and "/ID" in old.obj}
        for page, mcid in _marked(again):
            repeated[page].add(mcid)
        body = first.child("/TBody")
        for kid in second.elements():
            if kid.role == "/THead":
                continue
            for cell in _cells(kid, "/TD"):
                attributes = cell.obj.get("/A")
                if attributes is not None and "/Headers" in attributes:
                    attributes.Headers = Array([ids.get(bytes(h), h)
                                                for h in attributes.Headers])
            if kid.role == "/TBody" and body is not None:
                body.set_kids(body.kids + kid.kids)
            else:
                first.set_kids(first.kids + [kid])
        return True

    # ---- 2. Links ----
    def flatten_links(self) -> None:
        """Make each Link element hold its own text and annotations, none of zero area.

        WeasyPrint gives every inline box inside <a> its own annotation and its own Span or
        NonStruct element (the address under the QR code, split into spans to break after
        slashes, became 8 annotations, 4 of them zero-width at the <wbr> breaks), and a
        generated `a::after` becomes a Link nested inside the Link. Everything under a Link
        is lifted into it: its MCIDs, and its annotations unless they have no area.
        """
        links = [node for node in self.document.walk() if node.role == "/Link"]
        for link in links:
            kids: list = []
            self._collect_link(link, kids)
            link.set_kids(kids)
        # A link that wraps onto a second line is one Link element per line: join
        # neighbours that go to the same address, then keep one annotation per area.
        for link in links:
            parent = link.parent
            if parent is None or link not in parent.kids:
                continue
            at = parent.kids.index(link)
            following = parent.kids[at + 1] if at + 1 < len(parent.kids) else None
            while (isinstance(following, _Node) and following.role == "/Link"
                   and _target(following) == _target(link)):
                link.set_kids(link.kids + following.kids)
                parent.set_kids(parent.kids[:at + 1] + parent.kids[at + 2:])
                following = parent.kids[at + 1] if at + 1 < len(parent.kids) else None
        for link in links:
            if link.parent is not None and link in link.parent.kids:
                link.set_kids(self._without_nested_annotations(link.kids))

    def _collect_link(self, node: _Node, kids: list) -> None:
        for kid in node.kids:
            if isinstance(kid, _Node):
                self._collect_link(kid, kids)
            elif kid[0] != "annotation":
                kids.append(kid)
            elif _area(kid[1].Obj) > 0:
                kids.append(kid)
            else:
                page = kid[1].Pg
                gone = kid[1].Obj.objgen
                page.Annots = Array([a for a in page.get("/Annots", Array())
                                     if a.objgen != gone])

    def _without_nested_annotations(self, kids: list) -> list:
        """Drop an annotation lying inside another of the same link (WeasyPrint gives the
        <a> box and each span in it one apiece): each is a tab stop, so keep the largest."""
        annotations = [kid for kid in kids if not isinstance(kid, _Node) and
                       kid[0] == "annotation"]
        kept: list[tuple[float, ...]] = []
        drop = set()
        for kid in sorted(annotations, key=lambda k: -_area(k[1].Obj)):
            rect = _rect(kid[1].Obj)
            if any(_inside(rect, other) for other in kept):
                drop.add(id(kid))
                page = kid[1].Pg
                gone = kid[1].Obj.objgen
                page.Annots = Array([a for a in page.get("/Annots", Array())
                                     if a.objgen != gone])
            else:
                kept.append(rect)
        return [kid for kid in kids if id(kid) not in drop]

    # ---- 3. Empty elements ----
    def prune_empty(self, node: _Node) -> bool:
        """Drop elements with nothing in them (WeasyPrint tags a clearing ::after block
        or a <wbr> as an empty NonStruct, which a validator reports inside a list)."""
        kept = [kid for kid in node.kids if not isinstance(kid, _Node) or self.prune_empty(kid)]
        if len(kept) != len(node.kids):
            node.set_kids(kept)
        return bool(kept) or node.role == "/Figure"

    # ---- 4. Table headers ----
    def add_scope_and_id_tree(self) -> None:
        """Give each TH a /Scope and the tree the /IDTree its TD /Headers need.

        WeasyPrint 70 writes TH /ID and TD /Headers but no /IDTree, which ISO 32000-1
        requires for IDs to resolve; nor /Scope, which most screen readers read instead.
        """
        ids: dict[bytes, Dictionary] = {}
        for node in self.document.walk():
            if node.role not in ("/TH", "/TD"):
                continue
            if "/ID" in node.obj:
                ids[bytes(node.obj.ID)] = node.obj
            if node.role == "/TH":
                row = node.parent
                in_head = row is not None and row.parent is not None and \
                    row.parent.role == "/THead"
                first = row is not None and row.elements()[:1] == [node]
                attributes = node.obj.get("/A")
                if attributes is None:
                    node.obj.A = attributes = Dictionary(O=Name.Table)
                attributes.Scope = Name.Column if in_head or not first else Name.Row
        if ids:
            names = Array()
            for key in sorted(ids):
                names.append(pikepdf.String(key))
                names.append(ids[key])
            self.root.IDTree = self.pdf.make_indirect(Dictionary(Names=names))

    def write_back(self) -> None:
        """Write the changed nodes' /K and /P back to their PDF objects."""
        for node in self.document.walk():
            if node.changed:
                node.obj.K = Array([self._kid_object(node, kid) for kid in node.kids])
                if node.parent is not None:
                    node.obj.P = node.parent.obj
        self.root.K = Array([self.document.obj])

    def _kid_object(self, node: _Node, kid):
        if isinstance(kid, _Node):
            return kid.obj
        if kid[0] == "annotation":
            return kid[1]
        page, mcid = kid
        if page == node.page:
            return mcid
        return Dictionary(Type=Name.MCR, MCID=mcid, Pg=self.page_objects[page].obj)

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
        for node in self.document.walk():
            for kid in node.kids:
                if isinstance(kid, _Node):
                    continue
                if kid[0] == "annotation":
                    annotations[kid[1].Obj.objgen] = node.obj
                else:
                    reached[kid[0]][kid[1]] = node.obj

        nums = Array()
        key = 0
        for index, page in enumerate(self.page_objects):
            mcids = reached.get(index, {})
            # Page keys first, as WeasyPrint numbers them (one per page, from 0).
            page.obj.StructParents = index
            nums.append(index)
            nums.append(self.pdf.make_indirect(
                Array([mcids.get(i) for i in range(max(mcids, default=-1) + 1)])))
            self._rewrite(page, set(mcids), repeated.get(index, set()))
            key = index + 1
        for page in self.page_objects:
            for annotation in page.obj.get("/Annots", Array()):
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
        for stream in (list(contents) if isinstance(contents, Array) else [contents]):
            data = stream.read_bytes()

            def artifact(match: re.Match) -> bytes:
                mcid = int(match.group(2))
                if mcid in tagged:
                    return match.group(0)
                return REPEATED_HEADER if mcid in repeated else FOOTER

            fixed = _BDC.sub(artifact, data)
            if fixed != data:
                stream.write(fixed)  # compressed again when saved


def _marked(node: _Node):
    """(page, mcid) of every marked-content sequence under node."""
    for kid in node.walk():
        yield from (k for k in kid.kids if not isinstance(k, _Node) and k[0] != "annotation")


def _cells(node: _Node, role: str) -> list[_Node]:
    return [kid for kid in node.walk() if kid.role == role]


def _shape(head: _Node) -> list[int]:
    return [len(row.elements()) for row in head.elements()]


def _rect(annotation: Dictionary) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _area(annotation: Dictionary) -> float:
    x1, y1, x2, y2 = _rect(annotation)
    return (x2 - x1) * (y2 - y1)


def _inside(rect: tuple[float, ...], other: tuple[float, ...], slack: float = 0.5) -> bool:
    return (rect[0] >= other[0] - slack and rect[1] >= other[1] - slack
            and rect[2] <= other[2] + slack and rect[3] <= other[3] + slack)


def _target(link: _Node) -> str | None:
    """The address a Link element's annotations go to."""
    for kid in link.kids:
        if not isinstance(kid, _Node) and kid[0] == "annotation":
            action = kid[1].Obj.get("/A")
            return str(action.get("/URI")) if action is not None else None
    return None
