"""Counted words in English and Dutch, for the views' titles and descriptions."""

from __future__ import annotations


def count(n: int, word: str) -> str:
    """
    >>> count(1, "priority"), count(3, "priority"), count(2, "intervention")
    ('1 priority', '3 priorities', '2 interventions')
    """
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n} {word if n == 1 else plural}"


DUTCH_PLURALS = {"opgave": "opgaven", "interventie": "interventies", "afhankelijkheid": "afhankelijkheden"}


def count_nl(n: int, word: str) -> str:
    """
    >>> count_nl(1, "opgave"), count_nl(4, "opgave"), count_nl(2, "interventie")
    ('1 opgave', '4 opgaven', '2 interventies')
    """
    return f"{n} {word if n == 1 else DUTCH_PLURALS[word]}"


def note_shared(n: int) -> str:
    """The note of a node that ``n`` priorities share, in both languages.

    >>> note_shared(4)
    'shared by 4 priorities · gedeeld door 4 opgaven'
    """
    return f"shared by {count(n, 'priority')} · gedeeld door {count_nl(n, 'opgave')}"
