"""Small words in user-facing text: a count with its noun in the right number ("1 shot", "2 shots")."""

from __future__ import annotations


def plural(count: float, singular: str, plural_form: str | None = None, *, thousands: bool = False) -> str:
    """`count` and its noun: "1 shot", "0 shots", "2.5 minutes"; `plural_form` for irregular nouns.

    `thousands` groups digits ("1,204 calls"). Only exactly 1 takes the singular.
    """
    many = plural_form or f"{singular}s"
    number = f"{count:,}" if thousands else f"{count}"
    return f"{number} {singular if count == 1 else many}"
