"""Text from files and databases made safe to print on a terminal: control characters shown as escapes.

A file name can hold ESC sequences (clear the screen, recolour, retitle the window), newlines (fake a second
line of output) or bidirectional overrides (show `gpj.exe` as `exe.jpg`); printed raw they act on the terminal.
"""

from __future__ import annotations

import unicodedata

# Control (Cc), format (Cf: bidi overrides, zero-width marks), surrogate, line and paragraph separators.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """The text with every character a terminal would act on written as an escape (\\x1b, \\n, \\u202e)."""
    value = str(text)
    if value.isprintable():  # the common case: nothing to escape (isprintable is False for all of the above)
        return value
    return "".join(_escape(char) for char in value)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char  # e.g. a non-breaking or ideographic space: printable enough
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
