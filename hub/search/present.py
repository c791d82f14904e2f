"""Showing search hits: the matched words marked, a snippet around them (pure)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from hub.search.terms import highlight_words, snippet


def mark(text: str | None, query: str | None) -> Markup:
    """`text` escaped, with every piece of the query found in it inside <mark>."""
    text = text or ""
    words = highlight_words(query)
    if not words:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.I)
    out, last = [], 0
    for hit in pattern.finditer(text):
        out += [escape(text[last:hit.start()]), Markup("<mark>"), escape(hit.group()),
                Markup("</mark>")]
        last = hit.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark_snippet(text: str | None, query: str | None, width: int = 60) -> Markup:
    return mark(snippet(text or "", highlight_words(query), width), query)
