"""Problems in a policy file, and the size limits a policy file must respect.

Apart from the loader (which needs YAML) so that code which only reports or catches
problems, or evaluates the built-in policy, never pays for importing YAML.
"""

from __future__ import annotations

from ownit.core.record import Record, set_field

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 10
MAX_RULES = 500


class PolicyProblem(Record):
    """One problem in a policy file. ``line``/``column`` are 1-based (column in characters);
    ``lsp_line``/``lsp_character`` are the 0-based code-point position (lsp/convert.py turns
    code points into the client's units)."""

    __slots__ = ("column", "end_column", "end_line", "file", "line", "message")
    file: str
    line: int
    column: int
    message: str
    end_line: int | None
    end_column: int | None

    def __init__(
        self,
        file: str,
        line: int,
        column: int,
        message: str,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> None:
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "message", message)
        set_field(self, "end_line", end_line)
        set_field(self, "end_column", end_column)

    @property
    def lsp_line(self) -> int:
        return self.line - 1

    @property
    def lsp_character(self) -> int:
        return self.column - 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "endLine": self.end_line,
            "endColumn": self.end_column,
            "message": self.message,
        }


class PolicyError(ValueError):
    """The policy file is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.message))
        first = self.problems[0] if self.problems else None
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "invalid policy")
