"""Sentences of Markdown prose, at their lines, and the classic formulas on hand-worked passages.

The formulas (LEAFLET-GUIDE.md):
  FRE  = 206.835 - 1.015 x W/S - 84.6 x Y/W
  FK   = 0.39 x W/S + 11.8 x Y/W - 15.59
  SMOG = 1.0430 x sqrt(P x 30 / S) + 3.1291
with W words, S sentences, Y syllables, P words of three or more syllables.
Each passage's counts were made by hand, word by word, before running the code.
"""

from __future__ import annotations

import pytest

from leafpress.check.prose import CELL, HEADING, ITEM, PARAGRAPH, blocks
from leafpress.check.readability import measure, sentences


def figures(text: str):
    return measure(sentences(text))


def test_plain_sentences():
    # "The cat sat on the mat." The1 cat1 sat1 on1 the1 mat1 = 6 words, 6 syllables
    # "It was a sunny day."    It1 was1 a1 sun-ny2 day1     = 5 words, 6 syllables
    # W = 11, S = 2, Y = 12, P = 0
    # FRE  = 206.835 - 1.015 x 5.5 - 84.6 x 1.090909 = 206.835 - 5.5825 - 92.290909 = 108.961591
    # FK   = 0.39 x 5.5 + 11.8 x 1.090909 - 15.59 = 2.145 + 12.872727 - 15.59 = -0.572273
    # SMOG = 1.0430 x sqrt(0) + 3.1291 = 3.1291
    result = figures("The cat sat on the mat. It was a sunny day.")
    assert (result.words, result.sentences, result.syllables, result.polysyllables) == \
        (11, 2, 12, 0)
    assert result.flesch_reading_ease == pytest.approx(108.961591, abs=1e-5)
    assert result.flesch_kincaid_grade == pytest.approx(-0.572273, abs=1e-5)
    assert result.smog == pytest.approx(3.1291, abs=1e-5)


def test_headings_are_not_sentences_and_list_items_are():
    # Heading: left out. Sentences:
    #  "Your surgeon will explain the benefits and risks."
    #     Your1 sur-geon2 will1 ex-plain2 the1 ben-e-fits3 and1 risks1 = 8 words, 12 syll, 1 poly
    #  "Please ask questions."  Please1 ask1 ques-tions2                = 3 words, 4 syll
    #  "bring your medicines"   bring1 your1 med-i-cines3               = 3 words, 5 syll, 1 poly
    #  "wear comfortable clothes" wear1 com-fort-a-ble4 clothes1        = 3 words, 6 syll, 1 poly
    # W = 17, S = 4, Y = 27, P = 3; W/S = 4.25, Y/W = 1.588235
    # FRE  = 206.835 - 4.31375 - 134.364706 = 68.156544
    # FK   = 1.6575 + 18.741176 - 15.59 = 4.808676
    # SMOG = 1.0430 x sqrt(3 x 30 / 4 = 22.5) + 3.1291 = 1.0430 x 4.743416 + 3.1291 = 8.076483
    result = figures("## Before your operation\n\n"
                     "Your surgeon will explain the benefits and risks. Please ask questions.\n\n"
                     "- bring your medicines\n"
                     "- wear comfortable clothes\n")
    assert (result.words, result.sentences, result.syllables, result.polysyllables) == \
        (17, 4, 27, 3)
    assert result.flesch_reading_ease == pytest.approx(68.156544, abs=1e-5)
    assert result.flesch_kincaid_grade == pytest.approx(4.808676, abs=1e-5)
    assert result.smog == pytest.approx(8.076483, abs=1e-5)


def test_long_words():
    # "Minimally invasive spine surgery (MISS) is also called keyhole spine surgery."
    #   min-i-mal-ly4 in-va-sive3 spine1 sur-ger-y3 MISS1 is1 al-so2 called1 key-hole2
    #   spine1 sur-ger-y3 = 11 words, 22 syllables,
    #   4 polysyllables (minimally, invasive, surgery twice)
    # "It can treat some kinds of neck and back pain." = 10 words of one syllable
    # W = 21, S = 2, Y = 32, P = 4; W/S = 10.5, Y/W = 1.523810
    # FRE  = 206.835 - 10.6575 - 128.914286 = 67.263214
    # FK   = 4.095 + 17.980952 - 15.59 = 6.485952
    # SMOG = 1.0430 x sqrt(4 x 30 / 2 = 60) + 3.1291 = 1.0430 x 7.745967 + 3.1291 = 11.208143
    result = figures("Minimally invasive spine surgery (MISS) is also called keyhole spine "
                     "surgery. It can treat some kinds of neck and back pain.")
    assert (result.words, result.sentences, result.syllables, result.polysyllables) == \
        (21, 2, 32, 4)
    assert result.flesch_reading_ease == pytest.approx(67.263214, abs=1e-5)
    assert result.flesch_kincaid_grade == pytest.approx(6.485952, abs=1e-5)
    assert result.smog == pytest.approx(11.208143, abs=1e-5)


QUOTE_CALLOUT_TABLE = """\
> Example content: this is not advice.

!!! important "Before you come in"
    Stop eating 6 hours before, e.g. at 2 a.m. on the day.

| What | Why |
|---|---|
| Slippers | They help you walk safely. |
"""


def test_quote_callout_table_numbers_and_abbreviations():
    # "Example content: this is not advice."  Ex-am-ple3 con-tent2 this1 is1 not1 ad-vice2
    #     = 6 words, 10 syllables, 1 poly (line 1)
    # Callout title: a heading, left out.
    # "Stop eating 6 hours before, e.g. at 2 a.m. on the day." (line 4; "e.g." and "a.m."
    #     do not end it) Stop1 eat-ing2 6(1 per digit) hours1 be-fore2 e.g2 at1 2(1) a.m2
    #     on1 the1 day1 = 12 words, 16 syllables
    # Cells (line 6 and 8): What1 | Why1 | Slip-pers2 | They1 help1 you1 walk1 safe-ly2
    #     = 4 sentences, 8 words, 10 syllables
    # W = 26, S = 6, Y = 36, P = 1; W/S = 4.333333, Y/W = 1.384615
    # FRE  = 206.835 - 4.398333 - 117.138462 = 85.298205
    # FK   = 1.69 + 16.338462 - 15.59 = 2.438462
    # SMOG = 1.0430 x sqrt(1 x 30 / 6 = 5) + 3.1291 = 1.0430 x 2.236068 + 3.1291 = 5.461319
    found = sentences(QUOTE_CALLOUT_TABLE)
    assert [(s.line, s.words) for s in found] == [(1, 6), (4, 12), (6, 1), (6, 1), (8, 1), (8, 5)]
    result = measure(found)
    assert (result.words, result.sentences, result.syllables, result.polysyllables) == \
        (26, 6, 36, 1)
    assert result.flesch_reading_ease == pytest.approx(85.298205, abs=1e-5)
    assert result.flesch_kincaid_grade == pytest.approx(2.438462, abs=1e-5)
    assert result.smog == pytest.approx(5.461319, abs=1e-5)


def test_blocks_know_their_kind_and_line():
    body = ("Intro line one\nline two.\n\n# Title\n\nSetext heading\n--------------\n\n"
            "1. First item\n   continues here\n2. Second\n\n```\ncode is not prose.\n```\n"
            "[ref]: https://www.example.org\n\n***\n| a | b |\n| - | - |\n| c | d |\n")
    found = [(b.kind, b.text, b.line) for b in blocks(body, first_line=10)]
    assert found == [
        (PARAGRAPH, "Intro line one\nline two.", 10),
        (HEADING, "Title", 13),
        (HEADING, "Setext heading", 15),
        (ITEM, "First item\ncontinues here", 18),
        (ITEM, "Second", 20),
        (CELL, " a ", 28), (CELL, " b ", 28), (CELL, " c ", 30), (CELL, " d ", 30),
    ]


def test_a_sentence_is_at_the_line_where_it_starts():
    body = ("First sentence here. Second one starts here\nand ends on the next line. Third\n"
            "starts at the end of line two.\n")
    assert [(s.line, s.text) for s in sentences(body, first_line=20)] == [
        (20, "First sentence here."),
        (20, "Second one starts here and ends on the next line."),
        (21, "Third starts at the end of line two."),
    ]


def test_inline_markup_links_images_and_addresses_are_not_words():
    body = ("Read **our** [leaflet on *recovery*](https://www.example.org/x) or email "
            "leaflets@example.org. ![A drawing](images/x.svg) Visit https://www.example.org today.")
    assert [s.text for s in sentences(body)] == [
        "Read our leaflet on recovery or email .", "Visit today."]


def test_initials_and_titles_do_not_end_sentences():
    body = "Mr A. Example will see you. Dr Smith is away! Is that fine? Yes."
    assert [s.text for s in sentences(body)] == [
        "Mr A. Example will see you.", "Dr Smith is away!", "Is that fine?", "Yes."]


def test_no_prose_gives_no_figures():
    result = figures("## Only a heading\n\n```\ncode only\n```\n")
    assert (result.words, result.sentences) == (0, 0)
    assert result.flesch_reading_ease is None and result.smog is None
