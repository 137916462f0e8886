from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.index.lexical import Analyser, LexicalIndex, VariantTable, fold, words
from rag.types import Chunk


@pytest.fixture(scope="module")
def table() -> VariantTable:
    return VariantTable.load()


def test_fold_removes_case_and_accents() -> None:
    assert fold("Oekraïne België") == "oekraine belgie"
    assert words("Russia's NAVO-chef, 2.000 km") == ["russia", "navo", "chef", "2", "000", "km"]


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("NAVO", "NATO"),
        ("Navo", "NATO"),
        ("Poetin", "Putin"),
        ("Oekraïne", "Ukraine"),
        ("Wit-Rusland", "Belarus"),
        ("kernwapens", "nuclear weapons"),
        ("nucleaire wapens", "nuclear weapons"),
        ("atoomwapens", "nuclear weapons"),
        ("Rusland", "Russia"),
        ("afschrikking", "deterrence"),
        ("bondgenootschap", "alliance"),
        ("oefening", "exercise"),
        ("juni", "June"),
    ],
)
def test_variants_meet_across_languages(table: VariantTable, dutch: str, english: str) -> None:
    nl, en = Analyser("nl", table), Analyser("en", table)
    assert nl(dutch) == en(english)
    assert len(nl(dutch)) == 1


def test_multi_word_variant_takes_the_longest_match(table: VariantTable) -> None:
    tokens = Analyser("nl", table)("de nucleaire wapens van de NAVO")
    assert tokens == Analyser("nl", table)("kernwapens NAVO")


def test_stopwords_are_dropped_but_content_words_stemmed(table: VariantTable) -> None:
    nl = Analyser("nl", table)
    assert nl("de en het van een") == []
    assert nl("veiligheidsdilemma's") == nl("veiligheidsdilemma")


def test_variant_table_is_data_not_code(tmp_path: Path) -> None:
    path = tmp_path / "v.tsv"
    path.write_text("# comment\nzeppelin\tluchtschip\tairship\n", encoding="utf-8")
    analyser = Analyser("nl", VariantTable.load(path))
    assert analyser("luchtschip") == analyser("airship") == analyser("zeppelin")


def test_variant_table_rejects_a_one_member_group(tmp_path: Path) -> None:
    path = tmp_path / "v.tsv"
    path.write_text("alleen\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=":1: a variant group needs two"):
        VariantTable.load(path)


def _chunk(i: int, text: str, language: str = "nl") -> Chunk:
    return Chunk(
        id=f"d:{i:04d}",
        doc_id="d",
        doc_title="t",
        ordinal=i,
        start=i * 1000,
        end=i * 1000 + len(text),
        text=text,
        n_tokens=len(text.split()),
        language=language,
    )


CHUNKS = [
    _chunk(0, "De NAVO hield de jaarlijkse oefening Steadfast Noon voor de nucleaire afschrikking."),
    _chunk(1, "Poetin wil tactische kernwapens in Wit-Rusland plaatsen."),
    _chunk(2, "Zuid-Korea overweegt militaire hulp aan Oekraïne."),
    _chunk(3, "The weather in Brussels was fine.", "en"),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    lexical = LexicalIndex()
    lexical.build(CHUNKS)
    return lexical


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("Which annual NATO exercise strengthens nuclear deterrence?", "en", 0),
        ("Does Putin want to station nuclear weapons in Belarus?", "en", 1),
        ("Poetin kernwapens Belarus", "nl", 1),
        ("military aid to Ukraine from South Korea", "en", 2),
        ("Oekraine", "nl", 2),  # accent-less spelling still meets "Oekraïne"
    ],
)
def test_search_finds_dutch_chunks_for_either_language(
    index: LexicalIndex, query: str, language: str, expected: int
) -> None:
    assert index.search(query, k=3, language=language)[0][0] == expected


def test_search_orders_by_score_respects_k_and_allowed(index: LexicalIndex) -> None:
    results = index.search("NAVO kernwapens Oekraïne weather", k=10, language="nl")
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert {p for p, _ in results} == {0, 1, 2, 3}
    assert len(index.search("NAVO kernwapens Oekraïne", k=2, language="nl")) == 2
    assert [p for p, _ in index.search("NAVO kernwapens", k=5, language="nl", allowed=[1, 3])] == [1]


def test_search_without_known_terms_returns_nothing(index: LexicalIndex) -> None:
    assert index.search("xylofoon", k=5, language="nl") == []
    assert index.search("de het een", k=5, language="nl") == []


def test_empty_index_returns_nothing() -> None:
    lexical = LexicalIndex()
    lexical.build([])
    assert len(lexical) == 0
    assert lexical.search("NAVO", k=5) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_term_belongs_to_two_variant_groups(table: VariantTable, language: str) -> None:
    analyser = Analyser(language, table)
    owner: dict[tuple[str, ...], str] = {}
    clashes = []
    for group in table.groups:
        for member in group:
            stems = tuple(analyser.stems(member))
            if owner.setdefault(stems, group[0]) != group[0]:
                clashes.append(f"{member!r} is in {owner[stems]!r} and {group[0]!r}")
    assert clashes == []
