"""Count the syllables of an English word offline: spelling rules plus a short exception list.

No dictionary is downloaded. The rules are measured against the CMU Pronouncing
Dictionary in tests/test_syllables.py (a test-only dependency that ships its data).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words leaflets use that the rules get wrong. Keep it short: fix a rule first.
EXCEPTIONS = {
    "anyone": 3, "area": 3, "areas": 3, "business": 2, "colleague": 2, "cooperate": 4,
    "coordinate": 4, "create": 2, "created": 3, "creates": 2, "creating": 3, "cruel": 2,
    "diabetes": 4, "diet": 2, "element": 3, "elements": 3, "elsewhere": 2, "evening": 2,
    "everyday": 3, "everywhere": 3, "fatigue": 2, "fluent": 2, "fluid": 2, "fluids": 2,
    "homework": 2, "housework": 2, "idea": 3, "ideal": 3, "ideas": 3, "lifetime": 2,
    "lion": 2, "naive": 2, "people": 2, "pipeline": 2, "poem": 2, "poet": 2, "quiet": 2,
    "react": 2, "reaction": 3, "recipe": 3, "reuse": 2, "reused": 2, "ruin": 2,
    "science": 2, "someone": 2, "something": 2, "sometimes": 2, "somewhere": 2,
    "technique": 2, "theatre": 3, "therefore": 2, "timeout": 2, "tongue": 1, "unique": 2,
    "vague": 1, "vegetable": 3, "vegetables": 3, "wednesday": 2,
}

VOWELS = "aeiouy"
# Vowel pairs usually spoken as two syllables (each match adds one), with the common
# exceptions kept out by the context around them.
_SPLITS = [
    re.compile(r"(?<![cgqst])ia"),       # media, dial, hernia (not special, Asia)
    re.compile(r"(?<=[cts])ia(?=te)"),   # appreciate, initiate
    re.compile(r"iu"),                   # medium, calcium
    re.compile(r"(?<![qg])ua"),          # usual, actual (not equal, language)
    re.compile(r"(?<!g)eo|geo(?!n)"),    # video, geography (not surgeon, pigeon)
    re.compile(r"(?<![cgstxln])io(?=n)"),  # champion, period (not action, million, opinion)
    re.compile(r"(?<![cgstx])io(?=u)"),  # various, previous (not cautious, anxious)
    re.compile(r"io(?![nu])"),           # radio, violent, biology
    re.compile(r"uou"),                  # continuous, strenuous
    re.compile(r"(?<![cg])eou"),         # simultaneous (not gorgeous)
    re.compile(r"(?<=[^aeiouy])i(?=ers?$|est$)"),  # easier, earliest (not copies)
    re.compile(r"(?<=[^aeiouycst])ie(?=nt)"),      # client, ingredient (not patient)
    re.compile(r"ai(?=cs?$)"),           # mosaic, algebraic
]
_SUFFIX_AFTER_SILENT_E = re.compile(r"(?<=e)(ly|ful|fully|ment|ments|ness|less)$")


def _mask(word: str) -> str:
    """'a' for a vowel letter, 'b' for a consonant. y is a consonant first (yes) and
    between vowels (beyond, player), else a vowel (style, happy, crying)."""
    letters = []
    for index, char in enumerate(word):
        vowel = char in VOWELS
        if char == "y":
            before = word[index - 1] if index else ""
            after = word[index + 1] if index + 1 < len(word) else ""
            vowel = index > 0 and not (before in VOWELS and after in VOWELS)
        letters.append("a" if vowel else "b")
    return "".join(letters)


def _silent_final_e(stem: str, mask: str) -> bool:
    """Whether a stem's final e is silent: make, since, safe(ly); not table, centre, the."""
    end = len(stem)
    if end < 3 or stem[-1] != "e" or mask[end - 2] != "b":
        return False
    if "a" not in mask[:end - 1]:
        return False  # the, she: the e is the only vowel
    if stem[-2] in "lr" and mask[end - 3] == "b" and stem[-3] != stem[-2]:
        return False  # table, little, centre, litre: consonant + le/re is a syllable
    return True


@lru_cache(maxsize=20000)
def _count_letters(word: str) -> int:
    """Syllables of one lower-case word made of letters only."""
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    mask = _mask(word)
    count = len(re.findall(r"a+", mask))
    if _silent_final_e(word, mask):
        count -= 1
    elif len(word) > 3 and word.endswith("es") and mask[-3] == "b":
        # makes, times (silent); boxes, places, changes, tables, centimetres (spoken).
        if not re.search(r"([sxzcg]|ch|sh|[^aeiouyl]l|[^aeiouyr]r)es$", word):
            count -= 1
    elif len(word) > 3 and word.endswith("ed") and mask[-3] == "b":
        # moved, helped (silent); needed, created, bundled, centred (spoken).
        if not re.search(r"([td]|[^aeiouyl]l|[^aeiouyr]r)ed$", word):
            count -= 1
    suffix = _SUFFIX_AFTER_SILENT_E.search(word)
    if suffix and _silent_final_e(word[:suffix.start()], mask):
        count -= 1  # safely, movement, useful, hopeless
    count += sum(len(rule.findall(word)) for rule in _SPLITS)
    ing = re.search(r"ings?$", word)
    if ing and ing.start() > 0 and mask[ing.start() - 1] == "a":
        count += 1  # being, going, crying: -ing after a vowel is a syllable of its own
    if len(word) > 3 and re.search(r"[aeiouy][sz]ms?$", word):
        count += 1  # autism, spasm
    return max(count, 1)


def _spelt_out(token: str) -> bool:
    """Capitals without a vowel are read letter by letter: NHS, GP, PDF (not MISS)."""
    return len(token) >= 2 and token.isalpha() and token.isupper() and \
        not re.search(r"[AEIOU]", token)


@lru_cache(maxsize=50000)
def count(token: str) -> int:
    """Syllables in a word as read aloud; hyphenated parts are added, a digit is one."""
    token = token.replace("\u2019", "'")
    total = 0
    for part in re.split(r"[-/&.]", token):
        letters = re.sub(r"[^A-Za-z]", "", part)
        if _spelt_out(letters):
            total += len(letters) + 2 * letters.count("W")  # "double-you"
        elif letters:
            total += _count_letters(letters.lower())
        total += sum(char.isdigit() for char in part)
    return max(total, 1)
