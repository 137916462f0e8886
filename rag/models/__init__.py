"""Offline models: the built-in registry, assembly from packages (`rag setup`) and path resolution."""

from rag.models.registry import resolve_embed_model, resolve_llm_path

__all__ = ["resolve_embed_model", "resolve_llm_path"]
