"""What every config section shares: strict, frozen, no unknown keys, no secrets; and the value
types the sections are written in."""
from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(gt=0)]
Text = Annotated[str, Field(min_length=1)]


def list_of(item: Any) -> Any:
    """A TOML array of `item`, kept as a tuple so that a frozen section cannot change under anyone.
    (Strict tuples would refuse the lists TOML gives; the items stay strict.)"""
    return Annotated[tuple[Annotated[item, Strict()], ...], Strict(False)]


Texts = list_of(str)
Ints = list_of(int)


def checked_url(default: str, *schemes: str) -> AfterValidator:
    """A URL with one of `schemes`; empty means `default`."""
    def check(value: str) -> str:
        if not value:
            return default
        if not value.startswith(schemes):
            raise ValueError(f"expected a URL starting with {' or '.join(schemes)}")
        return value
    return AfterValidator(check)


class Section(BaseModel):
    # hide_input_in_errors: pydantic's own text of an error never carries a value from the file.
    model_config = ConfigDict(strict=True, frozen=True, extra="forbid", hide_input_in_errors=True)

    secrets: ClassVar[dict[str, str]] = {}  # key -> the environment variable that holds it instead

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        for key, env in cls.secrets.items():
            if isinstance(data, dict) and key in data:
                raise PydanticCustomError("secret_in_file", "must not be in the config file; set {env} instead",
                                          {"key": key, "env": env})
        return data
