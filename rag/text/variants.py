"""The variant table: groups of equivalent terms across Dutch and English ("NAVO"/"NATO",
"kernwapens"/"nuclear weapons", "Wenen"/"Vienna"), from rag/data/variants.tsv."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from rag.errors import ConfigError
from rag.text.normalise import fold

DEFAULT_VARIANTS = Path(__file__).resolve().parents[1] / "data" / "variants.tsv"


class VariantTable(BaseModel):
    """Groups of equivalent terms; `groups[i][0]` names group i."""

    model_config = ConfigDict(frozen=True)

    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_VARIANTS) -> VariantTable:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(
                f"cannot read the variant table {path}: {exc}; restore it from the package"
            ) from exc
        groups = []
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            members = tuple(m.strip() for m in line.split("\t") if m.strip())
            if len(members) < 2:
                raise ConfigError(f"{path}:{number}: a variant group needs two or more TAB-separated terms")
            groups.append(members)
        return cls(groups=tuple(groups))

    def translated_names(self) -> frozenset[str]:
        """Folded single-word names that a group pairs with a differently spelled equivalent
        ('oekraine' with 'ukraine'): names with their own form in the other language."""
        names: set[str] = set()
        for group in self.groups:
            if len({fold(m) for m in group}) > 1:
                names |= {fold(m) for m in group if " " not in m and "-" not in m}
        return frozenset(names)


@functools.cache
def default_variants() -> VariantTable:
    """The package's table, read once."""
    return VariantTable.load()
