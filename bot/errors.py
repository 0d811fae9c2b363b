"""Errors whose message is written for the person in the chat."""


class UserError(Exception):
    """Bad input or nothing found: shown to the user as a short, friendly message."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ImportFailed(Exception):
    """An import file was rejected as a whole; names the file, line and reason."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
