"""A small gold set for the harness tests: every type, quotes verbatim from seeds/ (own items)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OLLONGREN = (
    'Minister Kajsa Ollongren van Defensie wil de Russische president Vladimir Poetin "lekker laten '
    'raden" naar wat hij over zich afroept als hij toch naar kernwapens grijpt.'
)
DOCTRINE = (
    "Op 20 juni 2024 waarschuwde de Russische president Vladimir Poetin voor mogelijke aanpassingen "
    "in de nucleaire doctrine van Rusland."
)
BELARUS = (
    "De nieuwe ronde Russische nucleaire retoriek volgde op de aankondiging van president Poetin dit "
    "weekend dat hij zogeheten tactische kernwapens in Belarus wil gaan plaatsen."
)
ANNEXATION = (
    "Voor en na de annexatie van de vier bezette Oekraïense regio’s in september 2022 stelde de "
    "President dat deze met alle mogelijke wapensystemen verdedigd zouden worden"
)

ITEMS: list[dict[str, Any]] = [
    {
        "id": "t-001",
        "question": "Wat wil minister Ollongren dat Poetin doet over de reactie op een kernaanval?",
        "language": "nl",
        "answer": "Ze wil Poetin lekker laten raden naar wat hij over zich afroept.",
        "source": "004_920d9effed8537ba.txt",
        "evidence": [OLLONGREN],
        "type": "factoid",
        "key_facts": ["raden"],
    },
    {
        "id": "t-002",
        "question": "Where does Putin want to place tactical nuclear weapons, and when did he warn about "
        "changing Russia's nuclear doctrine?",
        "language": "en",
        "answer": "In Belarus; he warned about changes to the nuclear doctrine on 20 June 2024.",
        "source": "multi",
        "evidence": [
            {"source": "002_64c02699db714905.txt", "quote": BELARUS},
            {"source": "003_73a95e8d76c20340.txt", "quote": DOCTRINE},
        ],
        "type": "multi-doc",
        "key_facts": ["Belarus", "20 June 2024"],
        "tags": ["cross-lingual"],
    },
    {
        "id": "t-003",
        "question": "Hoeveel kernkoppen heeft Frankrijk volgens de documenten precies?",
        "language": "nl",
        "answer": "De documenten noemen geen aantal kernkoppen van Frankrijk.",
        "source": "none",
        "evidence": [],
        "type": "unanswerable",
        "key_facts": [],
        "premise": "Frankrijk wordt alleen als kernmacht van de NAVO genoemd, zonder aantal kernkoppen.",
        "tags": ["not-in-corpus"],
    },
    {
        "id": "t-004",
        "question": "En wat stelde hij rond de annexatie in september 2022?",
        "language": "nl",
        "answer": "Dat de geannexeerde regio's met alle mogelijke wapensystemen verdedigd zouden worden.",
        "source": "000_7d3ce1d472746abd.txt",
        "evidence": [ANNEXATION],
        "type": "follow-up",
        "key_facts": ["wapensystemen"],
        "history": [
            {"role": "user", "content": "Welke instructie gaf Poetin op 27 februari 2022?"},
            {
                "role": "assistant",
                "content": "Hij liet de Russische afschrikking in een speciaal dienstregime plaatsen.",
            },
        ],
    },
]


def write_gold(path: Path, items: list[dict[str, Any]] = ITEMS) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path
