"""The one error tree. Every message names the fix.

RagError
├── ConfigError              a setting is invalid or inconsistent, or a folder cannot be written
│   └── InvalidSettingError  a setting's value is not allowed (the CLI exits with code 2)
├── CorpusError              the corpus folder or a file in it cannot be used
├── IndexMissingError        no index yet: run 'rag ingest'
│   └── IndexEmptyError      the index holds no documents (all removed): add some
├── IndexMismatchError       the index was built with another model/chunker: 'rag ingest --rebuild'
├── IndexCorruptError        an index file is damaged: 'rag ingest --rebuild'
├── ModelMissingError        a model file is not assembled: 'rag setup'
├── ModelSetupError          assembling a model failed (missing package, bad checksum, disk full)
├── GenerationError          the generator produced unusable output
├── BackendUnavailableError  the generator backend (e.g. an Ollama server) cannot be reached
├── QuestionError            the question is empty, too long, or has no words
└── ConversationError        a saved conversation cannot be found, read or written
"""

from __future__ import annotations


class RagError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(RagError):
    pass


class InvalidSettingError(ConfigError):
    pass


class CorpusError(RagError):
    pass


class IndexMissingError(RagError):
    pass


class IndexEmptyError(IndexMissingError):
    """The index was saved from a corpus folder with no documents left: nothing to answer from."""


class IndexMismatchError(RagError):
    pass


class IndexCorruptError(RagError):
    pass


class ModelMissingError(RagError):
    pass


class ModelSetupError(RagError):
    pass


class GenerationError(RagError):
    pass


class BackendUnavailableError(RagError):
    pass


class QuestionError(RagError):
    pass


class ConversationError(RagError):
    pass
