"""Enums whose members read well on a page."""

from enum import StrEnum


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
