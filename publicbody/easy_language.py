"""Leichte Sprache hints for editors: explainable, never a block.

`hints(text)` splits a text into sentences and returns, per sentence, what the rules of
Leichte Sprache (Netzwerk Leichte Sprache; BITV 2.0 Anlage 2) advise against:

- a sentence of more than `MAX_WORDS` (12) words,
- abbreviations ("z. B.", "bzw.", "SGB") and
- long compound words (more than `MAX_WORD_LETTERS`, 15, letters) without a hyphen or a
  Mediopunkt ("Kinderschutzfachkraft" rather "Kinder·schutz·fach·kraft"),
- negations ("nicht", "kein" ...),
- numbers written as words ("zwölf" rather "12"),
- passive voice ("wird … gemacht").

A hint names the rule and quotes the sentence it points at. The heuristics are simple on
purpose: they cannot judge a text, only point at places a person should read again.
"""

import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

MAX_WORDS = 12
MAX_WORD_LETTERS = 15
NEGATIONS = {
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keinem",
    "keiner",
    "nie",
    "niemals",
    "niemand",
    "nichts",
    "nirgends",
}
NUMBER_WORDS = {
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "zwanzig",
    "dreißig",
    "hundert",
    "tausend",
}
# "z. B.", "bzw.", "ca." inside a sentence (a dot at its end is the full stop), or "SGB".
ABBREVIATION = re.compile(r"\b(?:[A-Za-zÄÖÜäöü]{1,4}\.\s?){1,3}(?=\s*\S)|\b[A-ZÄÖÜ]{2,6}\b")
PASSIVE = re.compile(r"\b(?:wird|werden|wurde|wurden)\b(?:\s+\S+){0,6}?\s+ge\w+(?:t|en)\b", re.I)
# A full stop ends a sentence, a single letter's dot ("z. B.", "d. h.") does not.
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Za-zÄÖÜäöü]\.)\s+(?=[A-ZÄÖÜ0-9„\"])")
# Where a paragraph, list item or line ends, a sentence ends in the text too.
BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|h[1-6]|div|blockquote)\b[^>]*>", re.I)
WORD = re.compile(r"[\wÄÖÜäöüß·-]+")


@dataclass(frozen=True)
class Hint:
    sentence: str
    message: str


def sentences(text: str) -> list[str]:
    """The sentences of a text (HTML tags removed, paragraphs kept apart); abbreviations
    with a dot followed by a lower-case word do not end a sentence."""
    plain = " ".join(strip_tags(BLOCK_TAG.sub(" ", text)).split())
    return [s for s in SENTENCE_END.split(plain) if s.strip()]


def hints(text: str) -> list[Hint]:
    found = []
    for sentence in sentences(text):
        words = WORD.findall(sentence)
        lower = [w.lower() for w in words]
        if len(words) > MAX_WORDS:
            found.append(
                Hint(
                    sentence,
                    _("Langer Satz (%(n)s Wörter): höchstens 12 Wörter.") % {"n": len(words)},
                )
            )
        abbreviations = [m.group(0).strip() for m in ABBREVIATION.finditer(sentence)]
        if abbreviations:
            found.append(
                Hint(
                    sentence,
                    _("Abkürzung „%(words)s“: Schreiben Sie das Wort aus.")
                    % {"words": ", ".join(abbreviations)},
                )
            )
        long_words = [
            w for w in words if len(w) > MAX_WORD_LETTERS and "-" not in w and "·" not in w
        ]
        if long_words:
            found.append(
                Hint(
                    sentence,
                    _("Langes Wort „%(words)s“: Trennen Sie es mit Binde-Strich oder Medio·punkt.")
                    % {"words": ", ".join(long_words)},
                )
            )
        if NEGATIONS & set(lower):
            found.append(Hint(sentence, _("Verneinung: Sagen Sie es positiv, wenn es geht.")))
        if NUMBER_WORDS & set(lower):
            found.append(
                Hint(sentence, _("Zahl als Wort: Schreiben Sie Ziffern (12 statt zwölf)."))
            )
        if PASSIVE.search(sentence):
            found.append(Hint(sentence, _("Passiv: Sagen Sie, wer etwas tut.")))
    return found
