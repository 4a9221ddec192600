"""llm-explainer: how LLMs work, shown live on a small GPT."""

import os

# Idle OpenMP threads sleep instead of spinning (set before torch loads OpenMP; a setting of the user's wins). On
# cores that other work keeps busy a spinning thread takes the time its partner needs: training the 4-layer width-128
# model with 2 threads on 2 cores at load 15 ran at 122-131 tokens/s spinning, 3,200-3,680 passive.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
