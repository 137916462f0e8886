"""Follow-ups: rewrite the last question into a standalone one for retrieval.

A question that already stands alone is not sent to the model: the rewrite costs a model call
(seconds on a laptop CPU) before every question after the first in a chat. It stands alone when
nothing in it points back into the conversation and it names what it is about (`stands_alone`).
Otherwise the model does the rewrite, given only the last exchanges; when it
cannot (no model, bad output), the previous user turn is prepended, which keeps the entities the
follow-up refers to in the retrieval query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.side import ask
from rag.generators.base import Generator
from rag.text import TextAnalyser, fold
from rag.types import SideCall, Turn

# A shorter instruction with the example in one line made the 1.5B model echo the question
# (benchmarks/condense.py): the instruction and the example stay as they were; the saving is in
# the conversation it is given.
CONDENSE_PROMPT = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace pronouns and references with the names and things they refer to. Keep the language "
    'of the last question. Do not answer it. Reply with JSON: {"question": "..."}\n\n'
    "Example.\nConversation:\nuser: Welke oefening begon Rusland in Siberië?\n"
    "assistant: Rusland begon woensdag oefeningen met de Yars-raket.\n\n"
    "Last question: Hoe lang duurde die?\n"
    '{"question": "Hoe lang duurde de Russische oefening met de Yars-raket in Siberië?"}'
)
_SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}
# The rewrite needs the last exchanges only, and an answer's opening: what a follow-up points
# back to is named there. Prompt tokens are what the rewrite costs (prefill on a CPU).
CONDENSE_TURNS = 4  # two exchanges
MAX_TURN_CHARS = 300
MAX_REWRITE_TOKENS = 64  # a question of ~40 words in its JSON object

# Words that point back into the conversation (closed classes), per language. Personal and
# possessive pronouns point back unless a name comes before them in the question and they do not
# end it ("Why did the United States stop sharing its figures?" holds its own antecedent; "What
# did Stoltenberg say about it?" does not). Dutch 'zijn' is also the verb 'to be': counted. Demonstratives and
# pronominal adverbs always do: Dutch 'dat'/'die' are also a conjunction and a relative pronoun,
# English 'that' a conjunction, but a needless rewrite costs seconds, a missed one the answer.
_PRONOUNS = {
    "en": frozenset({
        "he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "theirs",
    }),
    "nl": frozenset({"hij", "zij", "ze", "hem", "haar", "hun", "hen", "zijn"}),
}  # fmt: skip
_DEMONSTRATIVES = {
    "en": frozenset({
        "this", "that", "these", "those", "there", "then", "such", "former", "latter", "same",
    }),
    "nl": frozenset({
        "dit", "dat", "deze", "die", "daar", "toen", "zulke", "zulk", "dezelfde", "hetzelfde",
        "diezelfde", "datzelfde",
    }),
}  # fmt: skip
_EXISTENTIAL = {"is", "are", "was", "were"}  # "there are", "are there": no place pointed at
# 'daarover', 'ervan', 'hiermee', 'waarvan' asked back ...: Dutch pronominal adverbs.
_PRONOMINAL_ADVERB = re.compile(
    r"^(daar|hier|er)(aan|achter|bij|binnen|boven|buiten|door|heen|in|langs|mee|na|naar|naast|om|"
    r"onder|op|over|tegen|toe|tussen|uit|van|voor|zonder)$"
)
# A question that opens like a continuation ("En wanneer?", "And the US?") leans on the last one.
_CONTINUING = {
    "en": frozenset({"and", "but", "also", "so", "or"}),
    "nl": frozenset({"en", "maar", "ook", "of", "dus"}),
}
MIN_CONTENT_TERMS = 2


def _is_name(word: str) -> bool:
    return word[:1].isupper()


def _points_back(words: list[str], language: str) -> bool:
    """A word that needs the conversation to be understood (see _PRONOUNS, _DEMONSTRATIVES)."""
    pronouns = _PRONOUNS.get(language, frozenset())
    demonstratives = _DEMONSTRATIVES.get(language, frozenset())
    named = False  # a name seen so far: an antecedent for a pronoun
    for i, word in enumerate(words):
        folded = fold(word)
        following = fold(words[i + 1]) if i + 1 < len(words) else ""
        if folded == "there" and {following, fold(words[i - 1]) if i else ""} & _EXISTENTIAL:
            continue
        if folded in demonstratives or (language == "nl" and _PRONOMINAL_ADVERB.match(folded)):
            return True
        if folded in pronouns and (not named or not following):  # "... about it?" points back
            return True
        named = named or (i > 0 and _is_name(word))
    return False


def stands_alone(question: str, language: str, analyser: TextAnalyser) -> bool:
    """True when `question` can be searched for without the conversation: no opening that
    continues the last question, no word pointing back, a name after its first word (what it is
    about) and at least MIN_CONTENT_TERMS content words. 'Waarom wil Poetin kernwapens in
    Belarus?' stands alone; 'En wat zei hij daarover?', 'Why did he say that?' and 'Hoe lang
    duurde de oefening?' do not."""
    words = re.findall(r"[^\W\d_][\w'’-]*", question)
    if not words or fold(words[0]) in _CONTINUING.get(language, frozenset()) or _points_back(words, language):
        return False
    named = any(_is_name(w) for w in words[1:])
    return named and len(analyser.content_terms(question, language)) >= MIN_CONTENT_TERMS


def heuristic_standalone(question: str, history: Sequence[Turn]) -> str:
    previous = next((t.content for t in reversed(history) if t.role == "user"), "")
    return f"{previous} {question}".strip()


def _conversation(question: str, history: Sequence[Turn]) -> str:
    turns = history[-CONDENSE_TURNS:]
    lines = [f"{t.role}: {' '.join(t.content.split())[:MAX_TURN_CHARS]}" for t in turns]
    return "Conversation:\n" + "\n".join(lines) + f"\n\nLast question: {question}"


def condense(
    question: str, history: Sequence[Turn], generator: Generator, language: str, analyser: TextAnalyser
) -> tuple[str, tuple[SideCall, ...]]:
    """The standalone question, and the side call it took (none without history, or when the
    question stands alone)."""
    if not history or stands_alone(question, language, analyser):
        return question, ()
    reply = ask(
        generator,
        "condense",
        CONDENSE_PROMPT,
        _conversation(question, history),
        schema=_SCHEMA,
        max_tokens=MAX_REWRITE_TOKENS,
        language=language,
        question=question,
    )
    # Backends that ignore the schema reply with the question itself.
    rewritten = str((reply.json or {}).get("question", "")) if reply.text.startswith("{") else reply.text
    rewritten = " ".join(rewritten.split())
    # A rewrite that is empty, echoes the question, or rambles is not worth more than the heuristic.
    if not rewritten or rewritten == question.strip() or len(rewritten) > 4 * len(question) + 200:
        return heuristic_standalone(question, history), (reply.call,)
    return rewritten, (reply.call,)
