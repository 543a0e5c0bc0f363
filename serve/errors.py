"""What can stop ``bin/serve`` from starting: each error's message says what is wrong and how to fix it."""


class ServeError(Exception):
    """A reason ``bin/serve`` starts nothing; its message is for the operator, printed as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
