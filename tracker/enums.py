"""Enums whose members read well on a page."""

from enum import StrEnum
from functools import cache


class Labelled(StrEnum):
    """A member's label is its value in words ("not_applicable": "Not applicable") unless @spoken says otherwise."""

    @property
    def label(self) -> str:
        return _label(self)


@cache  # worked out once per member: pages and exports ask for thousands of labels
def _label(member: Labelled) -> str:
    return vars(type(member)).get("_spoken", {}).get(member.value) or member.value.replace("_", " ").capitalize()


def spoken(**labels: str):
    """Class decorator: the labels of the members whose value in words is not what people say (CMMI-DEV)."""
    def apply(cls: type[Labelled]) -> type[Labelled]:
        unknown = set(labels) - {member.value for member in cls}
        assert not unknown, f"no such members: {unknown}"
        cls._spoken = labels
        return cls
    return apply
