"""Personal data in a document is hidden in the draft (with a note per line), so a draft never publishes it by accident."""

from __future__ import annotations

from ..check.privacy import KIND_NAMES, find_personal_data, mask

PLACEHOLDER = "[개인정보 가림: {kind}]"


def hide_personal_data(text: str, acknowledged: set[str], domains: set[str]) -> tuple[str, list[str]]:
    """The text with every unacknowledged resident number, mobile number and personal e-mail replaced, and a note per hit."""
    lines = text.split("\n")
    notes: list[str] = []
    for no, line in enumerate(lines, start=1):
        for hit in reversed(find_personal_data(line, domains)):
            if hit.value in acknowledged:
                continue
            kind = KIND_NAMES[hit.kind]
            line = line[:hit.offset] + PLACEHOLDER.format(kind=kind) + line[hit.offset + len(hit.value):]
            notes.append(f"{no}줄 {kind} {mask(hit.value)}")
        lines[no - 1] = line
    return "\n".join(lines), notes
