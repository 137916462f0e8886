"""Finding the passages for a question: hybrid (dense + lexical) search over the index."""

from rag.retrieval.hybrid import MODES, Mode, Retriever

__all__ = ["MODES", "Mode", "Retriever"]
