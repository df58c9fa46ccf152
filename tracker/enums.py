"""Enums whose members read well on a page."""

from enum import StrEnum
from functools import cache


class Labelled(StrEnum):
    """A member's label is its value in words ("not_applicable": "Not applicable") unless @spoken says otherwise."""

    @property
    def label(self) -> str:
        return _label(type(self), self.value)


@cache  # worked out once per member (by class and value: members of two enums with one value are equal strings)
def _label(enum: type, value: str) -> str:
    return vars(enum).get("_spoken", {}).get(value) or value.replace("_", " ").capitalize()


def spoken(**labels: str):
    """Class decorator: the labels of the members whose value in words is not what people say (CMMI-DEV)."""
    def apply(cls: type[Labelled]) -> type[Labelled]:
        unknown = set(labels) - {member.value for member in cls}
        assert not unknown, f"no such members: {unknown}"
        cls._spoken = labels
        return cls
    return apply
