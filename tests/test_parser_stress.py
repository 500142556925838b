"""Parser stress outside the render workers: `check` and the build's parent (validation and
the manifest key) have no timeout, so they must stay linear on hostile text.

Each source is half a megabyte of one pathological pattern. Linear code reads all of them in
a few seconds; the quadratic regular expressions these tests were written against took from
minutes to hours at twice the size, so a minute is a generous limit that still catches them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT

SIZE = 500_000
LIMIT = 60  # seconds for all of them: linear code takes about 2 on a busy machine
PATTERNS = {
    "brackets": "[", "images": "![", "img_tags": "<img ", "links": "[a](", "link_angles": "[a](<",
    "link_titles": "[a](x (", "comments": "<!--", "autolinks": "<a:", "stops": ".",
    "underscores": "_a", "references": "[a\n", "spaces": " ", "heading_hashes": "#",
}


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    project = tmp_path_factory.mktemp("stress")
    (project / "leaflets").mkdir()
    for name, unit in PATTERNS.items():
        body = unit * (SIZE // len(unit)) + "x\n"
        if name == "heading_hashes":
            body = "# " + body
        if name == "spaces":
            body = "Text.\n\n" + body  # a line of spaces: the table-delimiter pattern's worst case
        (project / "leaflets" / f"stress_{name}.md").write_text(
            f"---\ntitle: Stress {name}\n---\n{body}", encoding="utf-8")
    return project


def test_check_reads_half_a_megabyte_of_each_pattern_without_hanging(stress):
    done = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", "leaflets",
                           "--brand", str(ROOT / "styles" / "brand.toml")],
                          cwd=stress, capture_output=True, text=True, timeout=LIMIT)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"{len(PATTERNS)} leaflet(s) checked")


def test_the_build_parent_validates_and_hashes_them_without_hanging(stress):
    # Everything build() does before its workers start, in a process of its own.
    script = textwrap.dedent(f"""
        from pathlib import Path
        from leafpress.build.builder import discover, load
        from leafpress.model.brand import load_brand
        from leafpress.build.manifest import environment_key, leaflet_key
        brand = load_brand(Path({str(ROOT / "styles" / "brand.toml")!r}))
        paths, _ = discover([Path("leaflets")])
        leaflets, problems = load(paths, brand)
        environment = environment_key(brand)
        from leafpress import formats
        keys = [leaflet_key(environment, leaflet, formats.get("a4"), brand) for leaflet in leaflets]
        print(len(paths), len(keys) + len(problems))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=stress, capture_output=True,
                          text=True, timeout=LIMIT)
    assert done.returncode == 0, done.stderr
    # Every source was either given a key or reported, in linear time.
    assert done.stdout.split() == [str(len(PATTERNS))] * 2
