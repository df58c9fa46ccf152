"""Input models: every form is parsed by a non-table model before anything touches a table."""

from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic import ValidationError as PydanticError
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tracker.auth.models import User
from tracker.db import get_session, utcnow
from tracker.errors import ValidationError
from tracker.lookup import Lookup, Unresolved, resolve, resolve_all


def digits(raw: str) -> bool:
    """Whether a text is a plain decimal number (0-9 only: str.isdigit also takes "²", which int() refuses)."""
    return raw.isascii() and raw.isdigit()


def _plausible_day(value: date) -> date:
    if not 1900 <= value.year <= 2200:
        raise ValueError("enter a date between 1900 and 2200")
    return value


# A calendar day a person typed: a real date in a plausible year (not 0002 or 9999 from a slipped key).
Day = Annotated[date, AfterValidator(_plausible_day)]

# Ids the databases can hold (PostgreSQL's integer): anything else cannot name a record.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]

# Records chosen by typing (tracker/lookup.py): the text posted ("Ann Lee <ann@example.org>", "Plan (#3)") is
# resolved to the id before validation, in parse(); an id posted as it is stays an id.
Person = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("person")]
Plan = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("plan")]
ProposalRef = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("proposal")]
ProjectRef = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("project")]
AssetRef = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("asset")]
VersionRef = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("version")]
CommitmentRef = Annotated[int, Field(ge=1, le=2**31 - 1), Lookup("commitment")]
People = Annotated[list[Id], Lookup("person")]
Assets = Annotated[list[Id], Lookup("asset")]
Projects = Annotated[list[Id], Lookup("project")]
Objectives = Annotated[list[Id], Lookup("objective")]


def whole_number(low: int, high: int):
    """A number a person types (not picks): out of range says the range."""
    def in_range(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"enter a whole number from {low} to {high}")
        return value
    return Annotated[int, AfterValidator(in_range)]


def _decimal_point(value: Any) -> Any:
    """People write 2,5 as often as 2.5; a thousands separator is not guessed at (1,000 is refused)."""
    if isinstance(value, str) and value.count(",") == 1 and "." not in value and len(value.split(",")[1]) != 3:
        return value.replace(",", ".")
    return value


def _reasonable(value: float) -> float:
    if not -1e12 <= value <= 1e12:
        raise ValueError("enter a number between -1e12 and 1e12")
    return value


# A measured value a person typed: a finite decimal number (2.5 or 2,5).
Number = Annotated[float, BeforeValidator(_decimal_point), Field(allow_inf_nan=False), AfterValidator(_reasonable)]


def chosen(message: str, *, lookup: str = ""):
    """Ids picked from a list (or typed, of a `lookup` kind), at least one: checked with the other fields, in the
    same round of errors."""
    def at_least_one(ids: list[int]) -> list[int]:
        if not ids:
            raise ValueError(message)
        return ids
    if lookup:
        return Annotated[list[Id], AfterValidator(at_least_one), Lookup(lookup)]
    return Annotated[list[Id], AfterValidator(at_least_one)]


def later_or_same(earlier: str, message: str):
    """A field validator: this date is not before the date in `earlier` (when both are given and valid)."""
    def check(cls, value, info: ValidationInfo):
        before = info.data.get(earlier)
        if value is not None and before is not None and value < before:
            raise ValueError(message)
        return value
    return classmethod(check)


def not_after_today(message: str):
    """A field validator: this date has come (a record of something that happened is not dated ahead)."""
    def check(cls, value):
        if value is not None and value > utcnow().date():
            raise ValueError(message)
        return value
    return classmethod(check)


def text(max_length: int, *, required: bool = True):
    """A stripped string of bounded length (the app enforces lengths: SQLite does not)."""
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=max_length)]


def _web_address(value: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError("enter a web address starting with https:// (or http://)")
    return value


def web_address(max_length: int):
    """An http(s) address, or empty: a link people follow (never javascript: or data:)."""
    return Annotated[text(max_length, required=False), AfterValidator(_web_address)]


class FormModel(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    @model_validator(mode="after")
    def _no_control_characters(self):
        # PostgreSQL refuses NUL in text; nobody means to type one. (Checked after the fields: a check before them
        # would have pydantic read a strict JSON body as Python objects, where a date's text is no date.)
        for value in self.__dict__.values():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and "\x00" in v for v in values):
                raise ValueError("contains characters that are not allowed")
        return self

    @classmethod
    def raw_errors(cls, data: dict[str, Any]) -> dict[str, str]:
        """Checks across fields that need only the submitted values (a row given in part): parse() reports them
        in the same round as the fields' own errors, which would otherwise hide them until those are fixed."""
        return {}


M = TypeVar("M", bound=FormModel)


def is_list(annotation: Any) -> bool:
    """Whether a field takes several values (a form's repeated field, a query's repeated parameter)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return get_origin(annotation) is list


def form_dict(model: type[FormModel], form: MultiDict) -> dict[str, Any]:
    """The submitted values the model knows, lists where the model wants lists, blanks as absent."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if is_list(field.annotation):
            data[name] = [v for v in form.getlist(name) if v.strip()]
        elif name in form and form[name].strip() != "":
            data[name] = form[name]
        elif name in form and field.annotation is str:
            data[name] = ""
    return data


MESSAGES = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "string_too_long": "Use at most {max_length} characters.",
    "string_pattern_mismatch": "Use letters, digits, '.', '_' or '-' only.",
    "date_parsing": "Enter a real date as YYYY-MM-DD.",
    "date_from_datetime_parsing": "Enter a real date as YYYY-MM-DD.",
    "date_type": "Enter a real date as YYYY-MM-DD.",
    "enum": "Choose one of the listed options.",
    "literal_error": "Choose one of the listed options.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "greater_than_equal": "Choose one of the listed options.",
    "less_than_equal": "Choose one of the listed options.",
    "bool_parsing": "Choose yes or no.",
    "float_parsing": "Enter a number, such as 12 or 4.5.",
    "float_type": "Enter a number, such as 12 or 4.5.",
    "finite_number": "Enter a number, such as 12 or 4.5.",
    # JSON's other types where a field wants another (the API's bodies; a form only ever sends text)
    "string_type": "Enter text.",
    "bool_type": "Use true or false.",
    "int_from_float": "Enter a whole number.",
    "list_type": "Send a list of values (a JSON array).",
    "dict_type": "Send a JSON object.",
    "model_type": "Send a JSON object.",
    "none_required": "Leave this field out.",
}


def _message(error: dict) -> str:
    template = MESSAGES.get(error["type"])
    if template:
        return template.format(**error.get("ctx", {}))
    if error["type"] == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return error["msg"]


@cache
def lookup_fields(model: type[FormModel]) -> dict[str, str]:
    """The model's fields chosen by typing, and their kinds (`Person`, `Plan`, `chosen(..., lookup=)`)."""
    fields = {}
    for name, field in model.model_fields.items():
        marks = list(field.metadata)
        for arg in get_args(field.annotation):  # Person | None
            marks += list(get_args(arg)[1:]) if get_origin(arg) is Annotated else []
        fields.update((name, mark.kind) for mark in marks if isinstance(mark, Lookup))
    return fields


def _resolve_lookups(model: type[FormModel], data: dict[str, Any]) -> dict[str, str]:
    """The typed text of lookup fields as ids, in `data`; text naming no record (or several) is an error on its
    field, and leaves the field out. Ids posted as they are need no statement."""
    errors = {}
    for name, kind in lookup_fields(model).items():
        value = data.get(name)
        values = value if isinstance(value, list) else [value]
        if value is None or all(digits(v.strip()) for v in values) or any("\x00" in v for v in values):
            continue  # an id reads as it is; NUL is the model's to refuse (PostgreSQL cannot even compare it)
        try:
            if isinstance(value, list):
                data[name] = resolve_all(get_session(), kind, value)
            else:
                data[name] = resolve(get_session(), kind, value)
        except Unresolved as refused:
            errors[name] = str(refused)
            del data[name]
    return errors


def field_errors(exc: PydanticError) -> dict[str, str]:
    """A model's refusal as one message per field, in the words a form shows beside it."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "__all__"
        errors.setdefault(name, _message(error))
    return errors


def parse(model: type[M], form: MultiDict) -> M:
    """Validate a submitted form, or raise ValidationError with one message per field."""
    data = form_dict(model, form)
    found = _resolve_lookups(model, data)
    errors: dict[str, str] = {}
    try:
        result = model.model_validate(data)
    except PydanticError as exc:
        errors = field_errors(exc)
    errors = model.raw_errors(data) | errors | found  # a field's own error wins over a cross-field one
    if errors:
        raise ValidationError(errors)
    return result


def chosen_records(session, model, ids: list[int], *, field: str, message: str = "Choose from the list.") -> list:
    """The records with these ids, or a ValidationError on `field` if any does not exist."""
    if not ids:
        return []
    records = list(session.exec(select(model).where(model.id.in_(ids))).all())
    if len(records) != len(set(ids)):
        raise ValidationError({field: message})
    return records


def chosen_person(session, user_id: int, *, field: str = "owner_id",
                  message: str = "Choose an owner from the list.") -> User:
    """The active user with this id (someone work can be given to), or a ValidationError on `field`."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError({field: message})
    return user
