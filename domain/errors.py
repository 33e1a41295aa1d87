"""Errors the domain raises for a person to read: a message key and the values that fill it."""

from __future__ import annotations


class InputError(ValueError):
    """An answer that cannot be accepted, as a message key and its parameters.

    Raised as `InputError(N_("input.number.too_large"), maximum=100)`; the caller replies with
    `translator.t(error.key, **error.params)` and asks the same question again. Parameters are
    values (numbers, dates), never pre-rendered text, so the translator formats them per locale.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        if not self.params:
            return self.key
        details = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.key} ({details})"
