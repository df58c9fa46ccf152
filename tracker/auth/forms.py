"""Input models for accounts."""

from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from werkzeug.datastructures import MultiDict

from tracker.auth.passwords import password_problem
from tracker.auth.roles import Role
from tracker.validation import FormModel, Projects, Version, text


class LoginInput(FormModel):
    """Sign-in: any email-shaped text is tried (an unknown one fails like a wrong password, saying nothing more)."""

    email: text(254)
    password: text(1024)


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or domain.startswith(".") or domain.endswith("."):
        raise ValueError("enter an email address like name@example.org")
    return value.lower()


def _new_password(value: str, info: ValidationInfo) -> str:
    """A new password (blank: unchanged) must pass the password rules; the email is checked against it too."""
    problem = value and password_problem(value, email=info.data.get("email", ""))
    if problem:
        raise ValueError(problem)
    return value


Email = Annotated[text(254), AfterValidator(_email)]
Password = Annotated[text(1024, required=False), AfterValidator(_new_password)]


def _some_role(roles: list[Role]) -> list[Role]:
    if not roles:
        raise ValueError("Choose at least one role.")
    return sorted(set(roles), key=list(Role).index)


class UserInput(FormModel):
    email: Email
    name: text(120)
    roles: Annotated[list[Role], AfterValidator(_some_role)]
    password: Password = ""
    active: bool = False
    project_ids: Projects = Field(default_factory=list)
    version: Version | None = None


class NewUserInput(UserInput):
    """A new account: the same fields, and a password is required (an edit may leave it blank: unchanged)."""

    password: Annotated[text(1024), AfterValidator(_new_password)]


class PasswordChangeInput(FormModel):
    """A user changing their own password: the current one, and the new one twice."""

    email: str = ""  # filled in by the view from the signed-in account, for the password rules
    current_password: text(1024)
    new_password: Annotated[text(1024), AfterValidator(_new_password)]
    new_password_again: text(1024)

    @field_validator("new_password_again")
    @classmethod
    def _same_twice(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and value != info.data["new_password"]:
            raise ValueError("the two new passwords differ")
        return value


def account_values(user, led) -> MultiDict:
    """An account's edit form as it stands (`led`: the projects it leads): what the admin's form shows, and what
    the command line changes one field of before saving it through the same input model and service."""
    values = MultiDict({"email": user.email, "name": user.name, "version": str(user.version)})
    values.setlist("roles", [role.value for role in Role if role in user.roles])
    if user.active:
        values["active"] = "y"
    values.setlist("project_ids", [str(p.id) for p in led])
    return values
