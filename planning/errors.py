"""The error of the planning layer: bad input a user can fix, in either language."""

from __future__ import annotations

from layers.errors import LayerError
from planning.messages import Message


class PlanningError(LayerError):
    """Bad input to an analysis (a missing layer, a malformed parameter…).

    A :class:`layers.errors.LayerError` (front ends catch both alike) that carries a
    catalogue key, so the app shows it in Vietnamese and the command line in English.

    Parameters
    ----------
    key : str
        Key of :data:`planning.messages.MESSAGES`.
    **params
        Values formatted into the message.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.message = Message(key, dict(params))
        super().__init__(self.message.text("en"))

    @property
    def key(self) -> str:
        """Key of the message in :data:`planning.messages.MESSAGES`."""
        return self.message.key

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang``."""
        return self.message.text(lang)
