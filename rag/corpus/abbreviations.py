"""Abbreviations after which a period does not end a sentence (casefolded, without the final
period). Initials ("J.E.", "D.A.") are recognised by pattern, not listed."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COMMON = _words(
    """
    ca cf vgl vs etc e.a e.d e.v i.e e.g ibid op.cit ed eds fig nr nrs no p pp blz art jr sr st
    mt prof dr drs ir ing mr mevr dhr mw ds br zr mgr kol gen lt ltz sgt maj kap adm cdr feb mrt
    apr aug sep sept okt oct nov dec
    """
)

DUTCH = _words(
    """
    o.a bijv bv m.b.t d.w.z i.p.v t.a.v m.i m.n n.a.v o.b.v t.o.v v.d v.h v.w.b z.g.a.s zgn resp
    evt incl excl enz vnl ong afb hfst par bijl min pag red vert jl lidw tel
    """
)

ENGLISH = _words(
    """
    mr mrs ms dr prof inc ltd co corp dept est approx vol vols gov sen rep rev gen col capt u.s
    u.k a.m p.m
    """
)


def for_language(language: str) -> frozenset[str]:
    """The abbreviations used for `language` ("nl", "en"; others get both lists)."""
    if language == "nl":
        return COMMON | DUTCH
    if language == "en":
        return COMMON | ENGLISH
    return COMMON | DUTCH | ENGLISH
