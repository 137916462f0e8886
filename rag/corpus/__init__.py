"""The corpus pipeline: load a folder of documents (readers/: text, Markdown, PDF, Word, OpenDocument,
HTML, EPUB), clean them with an alignment back to the raw text, split sentences, chunk by tokens
(each chunk knowing its pages), and show the result."""

from rag.corpus.align import clean_span_to_raw, find_quote, gold_normalise, raw_span_to_clean
from rag.corpus.chunk import chunk_document, chunk_documents
from rag.corpus.clean import CleanResult, clean_text
from rag.corpus.display import chunk_in_context, documents_table
from rag.corpus.load import MAX_FILE_MB, CorpusLoad, SkippedFile, load_corpus, read_raw
from rag.corpus.pages import pages_in, pages_of
from rag.corpus.sections import section_at
from rag.corpus.sentences import split_sentences

# Bump when cleaning or chunking changes what chunks come out: the index manifest records it, and
# a different value makes `rag ingest` rebuild.
CHUNKER_VERSION = "1"

__all__ = [
    "CHUNKER_VERSION",
    "MAX_FILE_MB",
    "CleanResult",
    "CorpusLoad",
    "SkippedFile",
    "chunk_document",
    "chunk_documents",
    "chunk_in_context",
    "clean_span_to_raw",
    "clean_text",
    "documents_table",
    "find_quote",
    "gold_normalise",
    "load_corpus",
    "pages_in",
    "pages_of",
    "raw_span_to_clean",
    "read_raw",
    "section_at",
    "split_sentences",
]
