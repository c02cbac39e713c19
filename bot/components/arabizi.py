"""Darija written in Latin letters with digits (Arabizi): detect it, write it in Arabic script.

Pure (no Rasa imports): runs in the engine's pipeline (`components.arabizi_component`) and in
the tests of both venvs. It works on text the `TextNormalizer` already lowercased and stripped of
accents, and keeps, like it, the source index of every output character so entity offsets can be
moved back onto what the user typed.

"salam, bghit nsajel wldi f lmadrasa" becomes "سلام, بغيت نسجل ولدي ف المدرسه": the Arabic
training data already teaches these words, so the classifier understands the message without
Arabizi examples of every question. French words that Darija borrows ("carte de sejour",
"formation", "avocat") stay in Latin letters: the French training data teaches those.

Detection is deliberately strict, because French, English and Spanish messages must never be
transliterated: a word where a digit stands for an Arabic letter (3 = ع, 7 = ح, 9 = ق, 5 = خ,
2 = ء, 8 = غ) next to letters ("3ndi", "m3a", "l9raya"), or two words that only Darija uses
("bghit", "kifach", "dyal"), or one of those with a Darija word that other languages share too
("fin", "bla", "salam"). Ordinals, times and amounts ("2eme", "9h", "5ans", "27-14") are not
Arabizi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Digits that stand for Arabic letters Latin lacks.
DIGIT_LETTERS = {"2": "ء", "3": "ع", "5": "خ", "7": "ح", "8": "غ", "9": "ق"}

_WORD = re.compile(r"[a-z0-9']+")
_DIGIT_WORD = re.compile(r"^(?=.*[a-z])(?=.*[235789])[a-z235789']+$")
# Numbers with a unit or an ordinal suffix, in the languages our users write.
_NOT_ARABIZI = re.compile(
    r"^\d+(?:e|er|ere|eme|emes|em|th|st|nd|rd|h|hr|min|mn|km|kg|g|dh|dhs|mad|ans|an|mois|j|"
    r"jours|y|yo|yrs|ano|anos|am|pm)$"
)

# Darija words written in Latin letters, with the Arabic spelling the training data uses (after
# the text normaliser: ة -> ه, أ/إ/آ -> ا, ى -> ي). "strong" words are never French, English or
# Spanish words, so two of them mark a message as Arabizi; the others ("fin", "dar", "la", "ma")
# are transliterated only inside a message already detected as Arabizi.
_STRONG: dict[str, str] = {
    # questions, verbs of wanting and doing
    "bghit": "بغيت",
    "bghina": "بغينا",
    "baghi": "باغي",
    "bghiti": "بغيتي",
    "kifach": "كيفاش",
    "kifash": "كيفاش",
    "kifech": "كيفاش",
    "chno": "شنو",
    "chnou": "شنو",
    "chnu": "شنو",
    "achno": "اشنو",
    "ach": "اش",
    "wach": "واش",
    "wech": "واش",
    "fayn": "فين",
    "imta": "امتي",
    "fo9ach": "فوقاش",
    "ndir": "ندير",
    "ndiro": "نديرو",
    "n9der": "نقدر",
    "nqder": "نقدر",
    "n9dar": "نقدر",
    "nmchi": "نمشي",
    "nmshi": "نمشي",
    "nl9a": "نلقي",
    "nlqa": "نلقي",
    "nsajel": "نسجل",
    "nsjel": "نسجل",
    "nsejel": "نسجل",
    "nsjjel": "نسجل",
    "n9ra": "نقرا",
    "nqra": "نقرا",
    "nkhdem": "نخدم",
    "nekhdem": "نخدم",
    "khdam": "خدام",
    "nskon": "نسكن",
    "nsken": "نسكن",
    "nrje3": "نرجع",
    "nrja3": "نرجع",
    "nchki": "نشكي",
    "nt3alej": "نتعالج",
    "nt3alj": "نتعالج",
    "nhder": "نهضر",
    "nhdar": "نهضر",
    "kayn": "كاين",
    "kayna": "كاينه",
    "kaynin": "كاينين",
    "makaynch": "ماكاينش",
    "makaynach": "ماكايناش",
    "3ndi": "عندي",
    "3andi": "عندي",
    "3ndna": "عندنا",
    "ma3ndich": "ماعنديش",
    "m3a": "مع",
    "m3aya": "معايا",
    "3la": "علي",
    "3lach": "علاش",
    "dyal": "ديال",
    "dyali": "ديالي",
    "diali": "ديالي",
    "dyalna": "ديالنا",
    "hadchi": "هادشي",
    "hadshi": "هادشي",
    "walakin": "ولكن",
    "daba": "دابا",
    "ghadi": "غادي",
    "bzaf": "بزاف",
    "bzzaf": "بزاف",
    "bezzaf": "بزاف",
    "mzyan": "مزيان",
    "3afak": "عافاك",
    "afak": "عافاك",
    "3awnni": "عاوني",
    "3awni": "عاوني",
    "khoya": "خويا",
    "khouya": "خويا",
    "chokran": "شكرا",
    "choukran": "شكرا",
    "shukran": "شكرا",
    "beslama": "بسلامه",
    "bslama": "بسلامه",
    # people
    "wldi": "ولدي",
    "wlidi": "وليدي",
    "weldi": "ولدي",
    "bnti": "بنتي",
    "benti": "بنتي",
    "drari": "دراري",
    "lwlad": "الولاد",
    "mrati": "مراتي",
    "rajli": "راجلي",
    # topics
    "lmadrasa": "المدرسه",
    "madrasa": "مدرسه",
    "l9raya": "القرايه",
    "lqraya": "القرايه",
    "9raya": "قرايه",
    "sbitar": "سبيطار",
    "lsbitar": "السبيطار",
    "tbib": "طبيب",
    "ttbib": "الطبيب",
    "mrid": "مريض",
    "mrida": "مريضه",
    "dwa": "دوا",
    "khdma": "خدمه",
    "khedma": "خدمه",
    "lkhdma": "الخدمه",
    "5edma": "خدمه",
    "lkra": "الكرا",
    "lkara": "الكرا",
    "wra9": "وراق",
    "lwra9": "الوراق",
    "lwraq": "الوراق",
    "lkarta": "الكارطه",
    "karta": "كارطه",
    "lmahkama": "المحكمه",
    "mahkama": "محكمه",
    "m7ami": "محامي",
    "mo7ami": "محامي",
    "l7abs": "الحبس",
    "mochkil": "مشكل",
    "mouchkil": "مشكل",
    "mochkila": "مشكله",
    "mosa3ada": "مساعده",
    "mousa3ada": "مساعده",
    "mousa3adat": "مساعدات",
    "flous": "فلوس",
    "lflous": "الفلوس",
    "makla": "ماكله",
    "nakol": "ناكل",
    "bladi": "بلادي",
    "lblad": "البلاد",
    "tzad": "تزاد",
    "tzadt": "تزادت",
    "lwilada": "الولاده",
    "louje2": "لجوء",
    "loujou2": "لجوء",
    "laji2": "لاجئ",
    "laje2": "لاجئ",
    "rbat": "الرباط",
    "kaza": "كازا",
}
_WEAK: dict[str, str] = {
    "salam": "سلام",
    "fin": "فين",
    "f": "ف",
    "fi": "في",
    "l": "ل",
    "b": "ب",
    "w": "و",
    "o": "و",
    "ana": "انا",
    "nta": "نتا",
    "nti": "نتي",
    "hna": "هنا",
    "dar": "دار",
    "ldar": "الدار",
    "bla": "بلا",
    "la": "لا",
    "ma": "ما",
    "chi": "شي",
    "shi": "شي",
    "rah": "راه",
    "kan": "كان",
    "ila": "الا",
    "ih": "ايه",
    "iyeh": "ايه",
    "wakha": "واخا",
    "safi": "صافي",
    "kra": "كرا",
    "fabor": "فابور",
    "bebe": "بيبي",
    "nta3": "نتاع",
    "rasi": "راسي",
    # also English words: never evidence on their own
    "fine": "فين",
    "dial": "ديال",
    "wash": "واش",
}
# Danger words, written the way the Arabic danger keywords (danger_keywords.yml) match them, so
# an Arabizi "3tqoni" or "rajli kaydrebni" still overrides any intent with `emergency`. None of
# them is a French, English or Spanish word, so one is enough to transliterate the message.
_DANGER: dict[str, str] = {
    **dict.fromkeys(["3tqoni", "3teqni", "3tqouni", "3te9ni", "3t9oni", "3t9ouni"], "عتقوني"),
    **dict.fromkeys(
        [
            "kaydrebni",
            "kayderbni",
            "kaydrbni",
            "kaydarbni",
            "ydrebni",
            "darbni",
            "drbni",
            "dorbni",
            "drboni",
            "darboni",
            "kaydrbouni",
            "kaydarbouni",
        ],
        "كيضربني",
    ),
    **dict.fromkeys(["ghtasbni", "ghtasboni", "8tasbni", "8tasboni", "ghtasbouni"], "اغتصبوني"),
    **dict.fromkeys(["y9tlni", "yqtlni", "y9telni", "ye9tlni", "y9atlni"], "يقتلني"),
    **dict.fromkeys(["7absini", "7bsouni", "7bsoni", "7absouni", "7absouna"], "حبسوني"),
    **dict.fromkeys(["khtfouni", "5tfouni", "khtfoni", "5tfoni"], "خطفوني"),
    **dict.fromkeys(["n9tel", "nqtel", "n9tl"], "نقتل"),
    **dict.fromkeys(["nmout", "nmot"], "نموت"),
    **dict.fromkeys(["nzif", "nnzif"], "نزيف"),
    **dict.fromkeys(["najda", "nnajda"], "النجده"),
}
LEXICON: dict[str, str] = {**_WEAK, **_STRONG, **_DANGER}

# Letter-by-letter spelling for Arabizi words the lexicon lacks. Short vowels are not written in
# Arabic; "e" is almost always one, "a", "i", "o", "u" are more often long.
_DIGRAPHS = {"kh": "خ", "gh": "غ", "ch": "ش", "sh": "ش", "th": "ث", "dj": "ج", "ou": "و"}
_LETTERS = {
    "a": "ا",
    "b": "ب",
    "c": "ك",
    "d": "د",
    "e": "",
    "f": "ف",
    "g": "ك",
    "h": "ه",
    "i": "ي",
    "j": "ج",
    "k": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "o": "و",
    "p": "ب",
    "q": "ق",
    "r": "ر",
    "s": "س",
    "t": "ت",
    "u": "و",
    "v": "ف",
    "w": "و",
    "x": "كس",
    "y": "ي",
    "z": "ز",
    "'": "",
    **DIGIT_LETTERS,
}


def is_digit_word(word: str) -> bool:
    """A word where a digit stands for an Arabic letter ("3ndi", "m3a"), not "2eme" or "9h"."""
    return bool(_DIGIT_WORD.match(word)) and not _NOT_ARABIZI.match(word)


def is_arabizi(text: str) -> bool:
    """Whether lowercased, accent-free text is Darija in Latin letters (see the module doc)."""
    words = _WORD.findall(text)
    if any(w in _DANGER for w in words):
        return True
    digit_words = sum(is_digit_word(w) for w in words)
    strong = sum(w in _STRONG and not is_digit_word(w) for w in words)
    weak = sum(w in _WEAK for w in words)
    evidence = digit_words + strong
    return evidence >= 2 or (evidence == 1 and weak >= 1)


def spell(word: str) -> str:
    """Write one Arabizi word in Arabic letters, by rule (for words the lexicon lacks)."""
    out: list[str] = []
    index = 0
    if word.startswith("l") and len(word) > 3 and word[1] not in "aeiou":
        out.append("ال")  # the article glued to the noun: "lmadrasa"
        index = 1
    while index < len(word):
        pair = word[index : index + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            index += 2
            continue
        char = word[index]
        if char == "a" and 0 < index < len(word) - 1 and out and out[-1] == "ا":
            index += 1  # "aa" is one long vowel
            continue
        out.append(_LETTERS.get(char, char))
        index += 1
    return "".join(out) or word


@dataclass(frozen=True)
class Transliterated:
    """The Arabic-script text and, for each of its characters, its source index in the input."""

    text: str
    source: tuple[int, ...]  # len(text) + 1 entries; the last one is len(input)


def transliterate(text: str) -> Transliterated | None:
    """Arabizi words of ``text`` written in Arabic letters, or None when it is not Arabizi.

    Every character of a rewritten word points at the first character of the word it came from,
    so a span that covers whole words maps back onto the same words of the input.
    """
    if not is_arabizi(text):
        return None
    chars: list[str] = []
    sources: list[int] = []
    position = 0
    for match in _WORD.finditer(text):
        for offset in range(position, match.start()):
            chars.append(text[offset])
            sources.append(offset)
        word = match.group()
        arabic = LEXICON.get(word)
        if arabic is None and is_digit_word(word):
            arabic = spell(word)
        if arabic is None:
            chars.extend(word)
            sources.extend(range(match.start(), match.end()))
        else:
            chars.extend(arabic)
            sources.extend([match.start()] * len(arabic))
        position = match.end()
    for offset in range(position, len(text)):
        chars.append(text[offset])
        sources.append(offset)
    sources.append(len(text))
    return Transliterated("".join(chars), tuple(sources))
