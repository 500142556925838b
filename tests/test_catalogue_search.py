"""The catalogue's search index as the build writes it: what text it holds, when it is remade."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from leafpress.build.builder import build, discover, load
from leafpress.catalogue import search
from leafpress.catalogue.page import INDEX, write_catalogue
from leafpress.model.brand import load_brand

from .conftest import pdf_text, write_leaflet
from .htmltree import parse

HOSTILE_BODY = """## Exercises

Gentle <span style="color:red">visible words</span> and hydrotherapy.
<script>stolenCookies()</script>
<!-- a secret comment -->
<style>.hiddenrule { color: red }</style>

![A drawing of a kneecap](missing.png)
"""


def index_data(out: Path, name: str = search.SCRIPT) -> dict:
    """The data search-index.js (or search-text.js) hands the page: the JSON string it parses."""
    text = (out / name).read_text(encoding="utf-8")
    literal = re.search(r"data: function \(\) \{ return JSON\.parse\((\".*\")\); \}\};\n$", text, re.S)[1]
    return json.loads(json.loads(literal.replace("<\\/", "</")))


def terms(out: Path) -> set[str]:
    return {entry[0] for entry in index_data(out)["index"]["index"]}


def test_the_index_holds_the_text_the_pdf_prints_and_nothing_the_sanitiser_removed(project, brand):
    write_leaflet(project / "leaflets", "knee.md", "title: Knee care\nreference: KN-1", HOSTILE_BODY)
    result = build([project / "leaflets"], project / "dist", brand, jobs=1)
    printed = pdf_text(project / "dist" / "knee.pdf")
    assert "visible words" in printed and "stolenCookies" not in printed
    found = terms(project / "dist")
    assert {"visible", "words", "hydrotherapy", "knee", "kn", "exercises"} <= found
    assert not {"stolencookies", "secret", "hiddenrule", "color"} & found
    assert "and" not in found  # a stop word
    [sentences] = index_data(project / "dist", search.TEXT_SCRIPT)
    assert "Gentle visible words and hydrotherapy." in sentences
    assert result.ok or all("missing.png" in str(d) for d in result.diagnostics)


def test_the_page_asks_for_this_build_index_which_carries_minisearch_and_its_licence(project, brand):
    write_leaflet(project / "leaflets", "knee.md", "title: Knee care")
    build([project / "leaflets"], project / "dist", brand, jobs=1)
    page = parse((project / "dist" / INDEX).read_text(encoding="utf-8"))
    [loader] = page.find_all("script")
    finder = loader.attrs
    script = (project / "dist" / search.SCRIPT).read_text(encoding="utf-8")
    name, version = finder["data-index"].split("?v=")
    assert name == search.SCRIPT and f'version: "{version}"' in script
    assert finder["data-text"] == f"{search.TEXT_SCRIPT}?v={version}"
    assert f'version: "{version}"' in (project / "dist" / search.TEXT_SCRIPT).read_text(encoding="utf-8")
    assert "Copyright 2022 Luca Ongaro" in script and "Permission is hereby granted" in script
    assert "class MiniSearch" in script


def test_a_no_op_catalogue_reuses_each_leaflets_text_and_an_edit_remakes_only_its_own(
        project, brand, monkeypatch):
    folder = project / "leaflets"
    for n in range(3):
        write_leaflet(folder, f"l{n}.md", f"title: Leaflet {n}", f"Words of leaflet {n}: alpha{n}.\n")
    out = project / "dist"
    build([folder], out, brand, jobs=1, catalogue=False)
    converted: list[str] = []
    real = search.convert
    monkeypatch.setattr(search, "convert", lambda body, *a: converted.append(body) or real(body, *a))

    leaflets, _ = load(discover([folder])[0], brand)
    write_catalogue(out, leaflets, brand)
    assert len(converted) == 3
    before = (out / search.SCRIPT).stat().st_mtime_ns
    write_catalogue(out, leaflets, brand)
    assert len(converted) == 3  # nothing new to read
    assert (out / search.SCRIPT).stat().st_mtime_ns == before  # nor to write

    write_leaflet(folder, "l1.md", "title: Leaflet 1", "Now it speaks of bravo.\n")
    leaflets, _ = load(discover([folder])[0], brand)
    write_catalogue(out, leaflets, brand)
    assert converted[3:] == ["Now it speaks of bravo.\n"]
    assert {"bravo", "alpha0", "alpha2"} <= terms(out) and "alpha1" not in terms(out)


def test_a_source_that_stops_loading_keeps_its_card_and_its_words(project, brand):
    folder = project / "leaflets"
    write_leaflet(folder, "ok.md", "title: Fine", "Plain words.\n")
    write_leaflet(folder, "bad.md", "title: Broken later", "Hydrotherapy helps.\n")
    build([folder], project / "dist", brand, jobs=1)
    (folder / "bad.md").write_text("---\ntitle: [unclosed\n---\nHydrotherapy helps.\n", encoding="utf-8")
    result = build([folder], project / "dist", brand, jobs=1)
    assert [card.title for card in result.catalogue.cards] == ["Broken later", "Fine"]
    assert "hydrotherapy" in terms(project / "dist")


def test_a_new_synonym_rewrites_the_index_and_renders_no_pdf(project):
    brand_file = project / "styles" / "brand.toml"
    write_leaflet(project / "leaflets", "knee.md", "title: Knee care", "After an injection.\n")
    first = build([project / "leaflets"], project / "dist", load_brand(brand_file), jobs=1)
    assert len(first.written) == 1
    assert ["jab"] not in [p for group in index_data(project / "dist")["synonyms"] for p in group]
    brand_file.write_text(brand_file.read_text(encoding="utf-8").replace(
        "[synonyms]\n", '[synonyms]\njab = ["injection"]\n'), encoding="utf-8")
    again = build([project / "leaflets"], project / "dist", load_brand(brand_file), jobs=1)
    assert again.written == [] and len(again.up_to_date) == 1
    assert [["jab"], ["injection"]] in index_data(project / "dist")["synonyms"]


@pytest.mark.parametrize("value", ['"minimally invasive"', "[]", "[3]", '[""]'])
def test_a_bad_synonym_is_one_line_naming_it(project, value):
    from leafpress.errors import ConfigError

    brand_file = project / "styles" / "brand.toml"
    text = brand_file.read_text(encoding="utf-8").replace(
        'keyhole = ["minimally invasive"]', f"keyhole = {value}")
    brand_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"keyhole = {value}") + 1
    with pytest.raises(ConfigError) as caught:
        load_brand(brand_file)
    assert str(caught.value.diagnostic) == (
        f"{brand_file}:{line}: error: synonym 'keyhole' must be a word with a list of words or "
        'phrases, like keyhole = ["minimally invasive"]')


def test_the_shipped_brand_has_clinic_synonyms(brand):
    assert ("keyhole", ("minimally invasive",)) in brand.synonyms


def test_forged_text_in_the_record_stays_text(project, brand):
    folder = project / "leaflets"
    write_leaflet(folder, "kept.md", "title: Kept card", "Plain words.\n")
    build([folder], project / "dist", brand, jobs=1)
    record_path = project / "dist" / "thumbs" / "catalogue.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    entry = record["leaflets"]["kept"]
    entry["text"] = {"key": 7, "sentences": ["<img src=x onerror=alert(1)> forged words"], "extra": "x"}
    record_path.write_text(json.dumps(record), encoding="utf-8")
    (folder / "kept.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")  # kept from the record
    result = build([folder], project / "dist", brand, jobs=1)
    [card] = result.catalogue.cards
    assert card.stale and card.sentences == ("<img src=x onerror=alert(1)> forged words",)
    html = (project / "dist" / INDEX).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "onerror" not in html
    assert json.loads(record_path.read_text(encoding="utf-8"))["leaflets"]["kept"]["text"] == {
        "key": "", "sentences": ["<img src=x onerror=alert(1)> forged words"]}  # only ever text
