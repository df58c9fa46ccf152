"""Input models for accounts."""

from typing import Annotated

from flask_wtf import FlaskForm
from pydantic import AfterValidator, Field
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from tracker.auth.passwords import MIN_LENGTH
from tracker.auth.roles import Role
from tracker.validation import FormModel, Id, Version, text


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254),
                                            Regexp(r"^[^\x00]*$", message="Enter an email address.")])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or domain.startswith(".") or domain.endswith("."):
        raise ValueError("enter an email address like name@example.org")
    return value.lower()


def _password(value: str) -> str:
    if value and len(value) < MIN_LENGTH:
        raise ValueError(f"use at least {MIN_LENGTH} characters")
    return value


Email = Annotated[text(254), AfterValidator(_email)]
Password = Annotated[text(1024, required=False), AfterValidator(_password)]


class UserInput(FormModel):
    email: Email
    name: text(120)
    role: Role
    password: Password = ""
    active: bool = False
    project_ids: list[Id] = Field(default_factory=list)
    version: Version | None = None
