"""The chat format, as text: a framing line, then "User: ..." / "Assistant: ..." lines, the reply torn off.

A chatbot is next-word prediction on this script; the built-in corpus is written in it (explainer/corpus), so the
built-in model sees exactly the format it learnt. Pure string work.
"""

from __future__ import annotations

FRAMING = "A conversation between a curious person and a helpful AI assistant."

# Kinds of script pieces: "framing", "label" (User: / Assistant:), "user", "model" (written by the model), "text".
Segment = tuple[str, str, bool]  # (text, kind, seen by the model)


def build_script(turns: list[tuple[str, str]], user_message: str | None = None, framing: str = FRAMING) -> str:
    """Framing line, then "User: ...\\nAssistant: ...\\n" per turn, then an open "User: msg\\nAssistant:"."""
    parts = [framing, "\n"]
    for user, assistant in turns:
        parts.append(f"User: {user}\nAssistant: {assistant}\n")
    if user_message is not None:
        parts.append(f"User: {user_message}\nAssistant:")
    return "".join(parts)


def script_segments(
    turns: list[tuple[str, str]], message: str | None = None, hidden_chars: int = 0, framing: str = FRAMING
) -> list[Segment]:
    """`build_script(turns, message)` in labelled pieces; the first `hidden_chars` characters are marked unseen."""
    parts = [(framing, "framing"), ("\n", "text")]
    for user, assistant in turns:
        parts += [("User:", "label"), (" ", "text"), (user, "user"), ("\n", "text")]
        parts += [("Assistant:", "label"), (" ", "text"), (assistant, "model"), ("\n", "text")]
    if message is not None:
        parts += [("User:", "label"), (" ", "text"), (message, "user"), ("\n", "text"), ("Assistant:", "label")]
    out: list[Segment] = []
    pos = 0
    for text, kind in parts:
        cut = min(max(hidden_chars - pos, 0), len(text))
        if cut:
            out.append((text[:cut], kind, False))
        if cut < len(text):
            out.append((text[cut:], kind, True))
        pos += len(text)
    return out
