"""Citations shared by quotes and interest results: the seller's clause and bilingual texts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Clause:
    """The seller's clause a result comes from: its article and its text (from the terms)."""

    article: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"article": self.article, "text": self.text}

    def __str__(self) -> str:
        return f"{self.article} — {self.text}" if self.text else self.article


@dataclass(frozen=True, slots=True)
class Explanation:
    fr: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


NO_CLAUSE = Clause()
