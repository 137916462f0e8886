"""Generators turn a GenerationRequest into streamed text; the table in backends.py names them
and create_generator picks one from settings."""

from __future__ import annotations

from rag.generators.backends import (
    BACKENDS,
    Backend,
    chat_choices,
    create_generator,
    generator_settings_changed,
)
from rag.generators.base import GenerationRequest, Generator, Message, Passage, Task
from rag.generators.extractive import ExtractiveGenerator
from rag.generators.scripted import ScriptedGenerator

__all__ = [
    "BACKENDS",
    "Backend",
    "ExtractiveGenerator",
    "GenerationRequest",
    "Generator",
    "Message",
    "Passage",
    "ScriptedGenerator",
    "Task",
    "chat_choices",
    "create_generator",
    "generator_settings_changed",
]
