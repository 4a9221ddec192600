"""How fast the chat writes its longest reply, seen from the browser's side of the websocket (a benchmark: it measures,
it never passes or fails). Protocol level (bench/ws_students.py): no drawing.

One session opens the chat with a fixed seed, asks for the fox story (60 tokens, the reply's limit, at the default
temperature) and times: the first words of the reply, the whole reply (the end of the run), and the longest pause
between two redraws of the reply (a stall). The chat paces itself at explainer.ui.chat.PACE_S a token, so that a
student sees it write: 60 tokens take at least 60 x PACE_S.

    python -m bench.chat_reply [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random

import numpy as np

from bench.ws_students import STORY, Interaction, Session, Stats, Widget, chat_first_words
from tests.e2e.harness import serving

ASK = Interaction("chat: the fox story", "chat", Widget(("chat_input",), None, "Ask the assistant"),
                  lambda rng, current, proto: STORY)  # fmt: skip
SEED = 0  # at the default temperature (0.7) this seed's story runs to the reply's 60 tokens


def _reply_redraws(out) -> list[float]:
    """Times (s after sending) at which the reply's text was redrawn."""
    times, block = [], None
    for t, msg in out.deltas:
        d = msg.delta
        if d.WhichOneof("type") == "add_block" and d.add_block.WhichOneof("type") == "chat_message":
            if d.add_block.chat_message.name == "assistant":
                block = tuple(msg.metadata.delta_path)
        elif block and tuple(msg.metadata.delta_path)[: len(block)] == block and d.WhichOneof("type") == "new_element":
            if d.new_element.WhichOneof("type") == "markdown":
                times.append(t - out.sent)
    return times


async def _ask(url: str, repeats: int) -> list[dict]:
    out = []
    for i in range(repeats):
        session = Session(url, i, Stats())
        try:
            await session.open("chat", f"seed={SEED}")
            reply = await session.act(ASK, random.Random(i))
        finally:
            await session.close()
        redraws = _reply_redraws(reply)
        gaps = np.diff(redraws) if len(redraws) > 1 else np.array([0.0])
        out.append({"first_s": chat_first_words(reply), "whole_s": reply.seconds, "redraws": len(redraws),
                    "longest_pause_s": float(gaps.max())})  # fmt: skip
    return out


def run(repeats: int = 5, url: str | None = None) -> dict:
    with serving(url) as app:
        replies = asyncio.run(_ask(app, repeats))

    def ms(key: str) -> dict:
        xs = [1000 * r[key] for r in replies if r[key] is not None]
        return {"median": round(float(np.median(xs))), "max": round(float(max(xs)))}

    return {"first_words_ms": ms("first_s"), "whole_reply_ms": ms("whole_s"),
            "longest_pause_ms": ms("longest_pause_s"), "tokens_drawn": [r["redraws"] for r in replies]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    r = run(ap.parse_args().repeats)
    print(f"the fox story (seed {SEED}), {len(r['tokens_drawn'])} times; redraws of the reply: {r['tokens_drawn']}")
    for key in ("first_words_ms", "whole_reply_ms", "longest_pause_ms"):
        print(f"  {key.removesuffix('_ms').replace('_', ' '):14s} median {r[key]['median']} ms, max {r[key]['max']} ms")


if __name__ == "__main__":
    main()
