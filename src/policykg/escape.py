"""Text and links from the graph, made safe for every page and report we write.

- Only ``http``, ``https`` and ``mailto`` IRIs become links (:func:`link_target`); any other scheme
  (``javascript:``, ``data:``, ``file:``…) is shown as text, so nothing from the data runs as script.
- Control characters, which HTML forbids and terminals act on, are shown as ``\\u`` and four hex digits (:func:`visible`).
- Markdown gets its own escaping (:func:`markdown_text`): Markdown passes HTML through, so a label such as
  ``<img onerror=…>`` must arrive as text (https://spec.commonmark.org/0.31.2/#raw-html).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = {
    c: f"\\u{c:04x}" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
}
_MARKDOWN = {ord(c): "\\" + c for c in "\\`*_[]|~"} | {
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("&"): "&amp;",
}


def link_target(iri: str) -> str | None:
    """The IRI if it may become a link (http, https or mailto, with no white space or control character
    in it), else None.

    >>> link_target("https://eur-lex.europa.eu/eli/reg/2022/2065/oj"), link_target("JaVaScRiPt:alert(3)")
    ('https://eur-lex.europa.eu/eli/reg/2022/2065/oj', None)
    >>> link_target("data:text/html,<b>x</b>"), link_target("file:///etc/passwd"), link_target("leak")
    (None, None, None)
    """
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) < 0xA0 for c in iri):
        return None
    try:
        scheme = urllib.parse.urlsplit(iri).scheme
    except ValueError:
        return None
    return iri if scheme.lower() in LINK_SCHEMES else None


def visible(text: Any) -> Any:
    """Text with its control characters (but tab and line breaks) shown as ``\\u`` and four hex digits; other values as
    they are.

    >>> visible("a\\x00b\\x1bc\\td")
    'a\\\\u0000b\\\\u001bc\\td'
    """
    return text.translate(_CONTROL) if isinstance(text, str) else text


_EVERY_CONTROL = _CONTROL | {c: f"\\u{c:04x}" for c in (0x09, 0x0A, 0x0D)}


def printable(text: str) -> str:
    """Text for a one-line message: every control character, line breaks too, shown as ``\\u`` and four hex digits.

    >>> printable("a\\rb")
    'a\\\\u000db'
    """
    return text.translate(_EVERY_CONTROL)


def markdown_text(text: str) -> str:
    """Text for a Markdown document, read as text and never as markup or HTML.

    >>> markdown_text("<img src=x onerror=alert(1)> *x* | [a](javascript:b)")
    '&lt;img src=x onerror=alert(1)&gt; \\\\*x\\\\* \\\\| \\\\[a\\\\](javascript:b)'
    """
    return " ".join(visible(text).split("\n")).translate(_MARKDOWN)


def markdown_strings(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """A copy of a JSON-like value with every string made :func:`markdown_text`, except under the keys
    in ``keep``."""
    if isinstance(value, str):
        return markdown_text(value)
    if isinstance(value, list):
        return [markdown_strings(v, keep) for v in value]
    if isinstance(value, dict):
        return {k: v if k in keep else markdown_strings(v, keep) for k, v in value.items()}
    return value
