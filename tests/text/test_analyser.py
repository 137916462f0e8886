"""The one text analyser: index terms with the variant table, content terms, tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.text import Analyser, TextAnalyser, VariantTable, content_terms, fold, tokens


@pytest.fixture(scope="module")
def table() -> VariantTable:
    return VariantTable.load()


def test_fold_removes_case_and_accents() -> None:
    assert fold("Oekraïne België") == "oekraine belgie"
    assert tokens("Russia's NAVO-chef, 2.000 km") == ["russia", "navo", "chef", "2", "000", "km"]


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
    found = Analyser("nl", table)("de nucleaire wapens van de NAVO")
    assert found == Analyser("nl", table)("kernwapens NAVO")


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


def test_content_terms_keep_compounds_and_their_parts() -> None:
    terms = content_terms("NAVO-landen en de kernwapens", "nl")
    assert {"navo", "land"} <= terms and "navo-land" in terms
    assert "de" not in terms and "en" not in terms


def test_the_two_views_differ_only_by_the_variant_table() -> None:
    analyser = TextAnalyser()
    # Index terms fold 'NATO' and 'NAVO' into one group token; content terms keep the words.
    assert analyser.terms("NATO", "en") == analyser.terms("NAVO", "nl")
    assert analyser.content_terms("NATO", "en") != analyser.content_terms("NAVO", "nl")


def test_query_terms_merge_languages_without_repeats_or_foreign_stopwords() -> None:
    analyser = TextAnalyser()
    terms = analyser.query_terms("Why does NATO train with nuclear weapons?", ["en", "nl", "en"])
    assert len(terms) == len(set(terms))
    assert "why" not in terms and "does" not in terms
    assert analyser.terms("kernwapens", "nl") <= set(terms)
