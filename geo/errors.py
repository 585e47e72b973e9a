"""The error :mod:`geo` raises for bad input to an analysis, and its problems."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from geo.messages import MESSAGES


class Problem(str):
    """One problem with an analysis input: its English text, with a key and parameters.

    The text is ``MESSAGES[key]`` (:data:`geo.messages.MESSAGES`) formatted with the
    parameters. Code that treats it as a plain ``str`` (the command line, tests) gets the
    English; a front end shows it in its own language from :attr:`key` and :attr:`params`
    (the app: :func:`planning.messages.problem_text`).

    Parameters
    ----------
    key : str
        Key of :data:`geo.messages.MESSAGES`.
    **params
        Values formatted into the text; a value may itself be a :class:`Problem` (or a
        list holding some), put in the same language.

    Examples
    --------
    >>> p = Problem("minutes_bad", value=-5)
    >>> str(p), p.key, p.params
    ('`minutes` must be a number >= 0, not -5.', 'minutes_bad', {'value': -5})
    """

    key: str
    params: dict

    def __new__(cls, key: str, /, **params: object) -> Problem:
        """Return the problem ``key`` with ``params``, its text in English."""
        problem = super().__new__(cls, render(MESSAGES[key], params, str))
        problem.key = key
        problem.params = dict(params)
        return problem

    def __reduce__(self) -> tuple:
        return (_problem, (self.key, self.params))


def _problem(key: str, params: dict) -> Problem:
    return Problem(key, **params)


def render(template: str, params: Mapping[str, object], put: Callable[[Problem], str]
           ) -> str:
    """Format ``template`` with ``params``, nested problems turned into text by ``put``.

    Parameters
    ----------
    template : str
        A :meth:`str.format` template.
    params : mapping
        Its values; a :class:`Problem` value becomes ``put(value)``, and a list or tuple
        holding one becomes its items so turned, joined with ``", "``.
    put : callable
        Text of a nested problem in the language wanted (``str`` for English).

    Returns
    -------
    str
    """
    def one(value: object) -> object:
        return put(value) if isinstance(value, Problem) else value

    values = {}
    for name, value in params.items():
        if isinstance(value, list | tuple) and any(isinstance(v, Problem) for v in value):
            values[name] = ", ".join(str(one(v)) for v in value)
        else:
            values[name] = one(value)
    return template.format(**values)


class AnalysisInputError(ValueError):
    """Bad input to an analysis: each problem names the bad value and the fix.

    Front ends show it to the user (the app on the page in its language, ``kvpt`` on one
    line, exit 2); any other exception from :mod:`geo` is a bug and must not be reported
    as bad input.

    Parameters
    ----------
    *problems : str
        One text per problem, a :class:`Problem` wherever :mod:`geo` raises it (plain text
        is shown as it is). ``str(err)`` is the texts, one per line.

    Attributes
    ----------
    problems : tuple of str
        The problems, in order.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = tuple(problems)

    def __reduce__(self) -> tuple:
        return (type(self), self.problems)
