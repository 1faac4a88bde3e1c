"""JSON from untrusted text: the value, or None and a reason that names what is wrong, never an exception.

Beyond bad syntax, Python's json raises RecursionError for deep nesting and ValueError for an integer over
the interpreter's digit limit (4,300 by default): each is the input's problem, so each becomes a reason.
"""

from __future__ import annotations

import json
import sys


def loads(text: str, *, at: str | None = "line") -> tuple[object | None, str | None]:
    """(value, None) or (None, why); `at` says where a syntax error is: 'line', 'column' or None (no place)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        place = {"line": f" at line {exc.lineno}", "column": f" at column {exc.colno}"}.get(at or "", "")
        return None, exc.msg + place
    except RecursionError:
        return None, "nested too deeply"
    except ValueError:
        return None, f"a number too long to read (over {sys.get_int_max_str_digits():,} digits)"
