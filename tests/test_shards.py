"""Shards: stable, disjoint slices that concurrent processes build into one folder."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.build.manifest import read_entries
from leafpress.build.shards import parse_shard, shard_of
from leafpress.cli import main

from .conftest import ROOT, write_leaflet

STEMS = [f"leaflet-{i:03d}" for i in range(300)]
MANIFEST = ".leafpress-manifest.json"


def reference_shard(stem: str, count: int) -> int:
    """The documented split, written out here: the first 8 bytes of the name's SHA-256."""
    return int.from_bytes(hashlib.sha256(stem.encode()).digest()[:8], "big") % count + 1


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_shards_are_disjoint_and_their_union_is_everything(count):
    slices = {k: {s for s in STEMS if shard_of(s, count) == k} for k in range(1, count + 1)}
    assert set().union(*slices.values()) == set(STEMS)
    assert sum(len(part) for part in slices.values()) == len(STEMS)
    assert all(slices.values())  # 300 names spread over every shard


def test_a_leaflets_shard_depends_on_its_name_only():
    # Pinned: CI matrices rely on the split not changing between versions or list orders.
    assert shard_of("alpha", 4) == reference_shard("alpha", 4)
    assert [shard_of(stem, 7) for stem in STEMS] == [reference_shard(stem, 7) for stem in STEMS]
    assert shard_of("minimally-invasive-spine-surgery", 3) == 3


@pytest.mark.parametrize("text, expected", [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3 / 3 ", (3, 3))])
def test_parse_shard(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3", "1/0", "-1/2"])
def test_a_bad_shard_is_a_usage_error(project, text, monkeypatch):
    monkeypatch.chdir(project)
    done = CliRunner().invoke(main, ["build", "--shard", text])
    assert done.exit_code == 2
    assert "Invalid value for '--shard'" in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit)  # no traceback
    assert not (project / "dist").exists()


def test_concurrent_shard_processes_share_one_folder(project):
    stems = [f"leaflet-{i:02d}" for i in range(9)]
    for n, stem in enumerate(stems):
        write_leaflet(project / "leaflets", f"{stem}.md",
                      f"title: Leaflet {n}\nreference: S-{n}\nversion: '1'", f"Body of {stem}.\n")
    count = 3
    out = project / "dist"
    processes = [subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "build", "--shard", f"{k}/{count}",
         "-o", str(out), "-j", "1"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for k in range(1, count + 1)]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    # All three wrote the one record of issued versions beside the sources: no row was lost.
    with open(project / "leaflets" / "issued-versions.csv", encoding="utf-8", newline="") as handle:
        assert sorted(row["leaflet"] for row in csv.DictReader(handle)) == stems

    # Each shard built exactly its own slice and recorded it in its own manifest.
    owned = {}
    for k in range(1, count + 1):
        expected = sorted(f"{s}.pdf" for s in stems if reference_shard(s, count) == k)
        shard_manifest = out / f".leafpress-manifest.shard-{k}-of-{count}.json"
        entries = read_entries(shard_manifest) if expected else {}
        assert sorted(entries) == expected
        stdout = outputs[k - 1][0]
        assert f"{len(expected)} built, 0 up to date, 0 failed" in stdout
        owned.update(entries)
    assert sorted(owned) == sorted(f"{s}.pdf" for s in stems)
    for name, entry in owned.items():
        pdf = out / name
        assert entry.pdf == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert pypdf.PdfReader(pdf).metadata.title.startswith("Leaflet ")
    assert not list(out.glob(".*.partial"))
    assert not (out / MANIFEST).exists()

    # The shards' manifests together say everything is up to date: a full build renders
    # nothing and only adds the catalogue and register, which shards leave to it.
    assert not (out / "index.html").exists()
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    done = subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "-o", str(out)],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "0 built, 9 up to date, 0 failed" in done.stdout
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert {name: after[name] for name in before} == before
    assert sorted(set(after) - set(before)) == ["index.html", "register.html", "search-index.js",
                                                "search-text.js", "thumbs"]


def test_a_shard_only_reports_problems_in_its_own_slice(project, monkeypatch):
    write_leaflet(project / "leaflets", "alpha.md", "title: Alpha")
    write_leaflet(project / "leaflets", "beta.md", "title: Beta\nreviewed: soon")
    mine = reference_shard("beta", 2)
    assert reference_shard("alpha", 2) != mine  # or one shard would hold both
    monkeypatch.chdir(project)
    runs = {k: CliRunner().invoke(main, ["build", "--shard", f"{k}/2", "-j", "1"],
                                  catch_exceptions=False) for k in (1, 2)}
    assert runs[mine].exit_code == 1
    assert "leaflets/beta.md:3: error: 'reviewed' must be a date" in runs[mine].stderr
    other = runs[3 - mine]
    assert "beta.md" not in other.stderr
    assert other.exit_code == 0, other.stderr
    assert (project / "dist" / "alpha.pdf").is_file()
