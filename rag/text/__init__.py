"""Text analysis shared by every step: folding, tokens, stems, stop words, numbers, variants
and languages. `TextAnalyser` is the one object the steps get to compare words."""

from rag.text.analyser import Analyser, TextAnalyser, content_terms
from rag.text.normalise import compound_words, fold, numbers, tokens
from rag.text.numerals import spelled_numbers
from rag.text.variants import VariantTable, default_variants

__all__ = [
    "Analyser",
    "TextAnalyser",
    "VariantTable",
    "compound_words",
    "content_terms",
    "default_variants",
    "fold",
    "numbers",
    "spelled_numbers",
    "tokens",
]
