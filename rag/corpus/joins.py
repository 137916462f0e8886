"""How two pieces of text are glued when a line or column break is undone.

Hyphen at a line end: "veilig-" + "heidsdilemma" -> "veiligheidsdilemma", but "NAVO-" + "grenzen"
-> "NAVO-grenzen". The decision uses, in order: the layout (the PDF extraction keeps a space after a
real hyphen, "NAVO- \\ngrenzen", and none after a typesetter's one), evidence from the document
itself (the joined or the hyphenated word occurs elsewhere), then Dutch spelling heuristics (a
hyphen before a capital or digit, after an acronym or a proper noun, between clashing vowels, or
after prefixes like "niet-" stays).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from enum import Enum

_WORD = re.compile(r"\w+(?:[-‐]\w+)*")
_LAST_TOKEN = re.compile(r"(\S*)-$")
_FIRST_WORD = re.compile(r"^[^\W\d_][\w’']*")
_URLISH = re.compile(r"(?:https?://|www\.)\S*[./_-]$")
_URL_TAIL = re.compile(r"^[a-z0-9][^\s]*?(?:[/._?=#&][^\s]*|)$")
_URL_WORDS = {"htm", "html", "pdf", "php", "asp", "aspx", "org", "com", "net", "nl", "be", "eu", "int", "ru"}
_ELISION_NEXT = {"en", "of", "tot", "and", "or", "to", "noch"}
_KEEP_PREFIXES = {"niet", "anti", "ex", "oud", "vice", "non", "co"}
_VOWEL_PAIRS = {"aa", "ee", "oo", "uu", "ie", "ei", "eu", "oe", "ou", "ui", "au", "ij"}
_CLOSING = "\"'”’»)]"
_FUNCTION_WORDS = {
    "de", "het", "een", "en", "of", "van", "in", "op", "aan", "met", "voor", "naar", "bij", "tot",
    "om", "over", "als", "dat", "die", "dan", "te", "door", "uit", "zijn", "haar", "hun", "the",
    "a", "an", "and", "or", "to", "for", "with", "by", "on", "at", "from", "as", "that",
}  # fmt: skip
_TERMINAL = re.compile(r"[.!?…][" + re.escape(_CLOSING) + r"]*\d{0,3}\*?$")
_INITIAL = re.compile(r"(?:^|[\s(])(?:[A-Z]\.)+$")


class Glue(Enum):
    SPACE = " "  # an ordinary line break: words separated by a space
    JOIN = "join"  # drop the hyphen: "veilig-" + "heid" -> "veiligheid"
    KEEP = "keep"  # keep the hyphen, no space: "NAVO-" + "grenzen"
    TIGHT = "tight"  # no space, nothing dropped: a URL broken over two lines


def vocabulary(text: str) -> Counter[str]:
    """Casefolded words of a document, hyphenated compounds counted whole; "x-*" counts the
    compounds whose first part is x and whose second part is lowercase ("politiek-militair")."""
    counts: Counter[str] = Counter()
    for token in _WORD.findall(text):
        counts[token.casefold()] += 1
        parts = re.split(r"[-‐]", token)
        for first, second in itertools.pairwise(parts):
            if second[:1].islower():
                counts[first.casefold() + "-*"] += 1
    return counts


def is_closed(text: str) -> bool:
    """Does `text` end a sentence? A final period after an initial ("L.") does not."""
    stripped = text.rstrip()
    if re.search(r"[^\W\d_]\*$", stripped):
        return True  # "dr. J.E. Noll*": a byline or title with a note marker
    if not _TERMINAL.search(stripped):
        return False
    return not _INITIAL.search(stripped)


def ends_with_function_word(text: str) -> bool:
    words = text.rsplit(None, 1)
    return bool(words) and words[-1].casefold() in _FUNCTION_WORDS


def starts_lowercase(text: str) -> bool:
    return bool(text) and text[0].islower()


def starts_upper_or_digit(text: str) -> bool:
    return bool(text) and (text[0].isupper() or text[0].isdigit())


def glue(left: str, right: str, vocab: Counter[str], *, space_after_hyphen: bool = False) -> Glue:
    """How to join line `left` (stripped) to the next line `right` (stripped)."""
    if _is_url_break(left, right):
        return Glue.TIGHT
    if not left.endswith("-") or not right:
        return Glue.SPACE
    token_match = _LAST_TOKEN.search(left)
    token = token_match.group(1) if token_match else ""
    stem = re.split(r"[-‐]", token)[-1].lstrip("‘'\"“(") if token else ""
    if not stem or not (stem[-1].isalnum()):
        return Glue.SPACE  # a dash standing alone, not a hyphenated word
    next_word_match = _FIRST_WORD.match(right)
    next_word = next_word_match.group(0) if next_word_match else ""
    if next_word.casefold() in _ELISION_NEXT:
        return Glue.SPACE  # "lucht- en missileverdediging"
    if space_after_hyphen or not next_word or not right[0].islower() or stem[-1].isdigit():
        return Glue.KEEP
    return _hyphen_by_evidence(token.lstrip("‘'\"“("), stem, next_word, vocab)


def _hyphen_by_evidence(token: str, stem: str, next_word: str, vocab: Counter[str]) -> Glue:
    joined = (token + next_word).casefold()
    hyphenated = f"{token}-{next_word}".casefold()
    if vocab[joined] > 0 or (vocab[(stem + next_word).casefold()] > 0 and vocab[hyphenated] == 0):
        return Glue.JOIN
    if vocab[hyphenated] > 0:
        return Glue.KEEP
    if vocab[stem.casefold() + "-*"] > 0:
        return Glue.KEEP  # the document writes "politiek-militair": keep "politiek-historisch"
    if len(stem) >= 2 and stem.isupper():
        return Glue.KEEP  # an acronym: "NAVO-"
    if stem[0].isupper() and len(stem) >= 4:
        return Glue.KEEP  # a proper noun: "Oekraïne-conflict"
    if stem.casefold() in _KEEP_PREFIXES:
        return Glue.KEEP
    if (stem[-1] + next_word[0]).casefold() in _VOWEL_PAIRS:
        return Glue.KEEP  # "zee-egel", "politie-inzet"
    return Glue.JOIN


def glue_by_evidence(left: str, right: str, vocab: Counter[str]) -> Glue | None:
    """For a hyphen before a column or page break: JOIN or KEEP only when the document itself
    knows the resulting word (the next paragraph may well come from another column), else None."""
    token_match = _LAST_TOKEN.search(left.rstrip())
    next_word_match = _FIRST_WORD.match(right)
    if not token_match or not next_word_match:
        return None
    token = token_match.group(1).lstrip("‘'\"“(")
    word = next_word_match.group(0)
    if vocab[(token + word).casefold()] > 0:
        return Glue.JOIN
    if vocab[f"{token}-{word}".casefold()] > 0:
        return Glue.KEEP
    return None


def _is_url_break(left: str, right: str) -> bool:
    last = left.rsplit(None, 1)[-1] if left.strip() else ""
    if not _URLISH.search(last):
        return False
    first = right.split(None, 1)[0] if right.strip() else ""
    if not first or not _URL_TAIL.match(first):
        return False
    bare = first.rstrip(".,;:)")
    return any(c in bare for c in "/._?=#&") or bare.casefold() in _URL_WORDS
