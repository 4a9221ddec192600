"""What else could it have said? A tree of continuations: from a prompt, the likeliest next tokens, then the likeliest
after each of those, a few tokens deep, with each branch's probability and the product along its path.

Bounded so that it answers fast on 2 CPU cores: a depth, a number of branches per node, a floor under which a path's
probability is pruned, and a cap on the nodes; one batched forward pass per level (every node of a level has a path
of the same length).
"""

from __future__ import annotations

from dataclasses import dataclass

from explainer.backends.base import Backend
from explainer.model.sampling import SamplingParams, distribution

MAX_DEPTH = 6
MAX_BRANCHES = 6
MAX_NODES = 80


@dataclass(frozen=True)
class TreeLimits:
    depth: int = 3  # tokens deep
    branches: int = 3  # children of a node, at most
    floor: float = 0.01  # a path whose probability is below this is pruned
    max_nodes: int = 40  # nodes in all, the root not counted

    def validate(self) -> None:
        if not 1 <= self.depth <= MAX_DEPTH:
            raise ValueError(f"depth must be from 1 to {MAX_DEPTH}, got {self.depth}")
        if not 1 <= self.branches <= MAX_BRANCHES:
            raise ValueError(f"branches must be from 1 to {MAX_BRANCHES}, got {self.branches}")
        if not 0 <= self.floor < 1:
            raise ValueError(f"the probability floor must be from 0 to below 1, got {self.floor}")
        if not 1 <= self.max_nodes <= MAX_NODES:
            raise ValueError(f"max_nodes must be from 1 to {MAX_NODES}, got {self.max_nodes}")


@dataclass(frozen=True)
class Node:
    parent: int  # index of the parent node in the tree's list; -1 for the root
    path: tuple[int, ...]  # token ids from the prompt's end to this node
    text: str  # the prompt's continuation up to this node, as it would be written
    prob: float  # this token's probability after its parent, under the sampling settings
    model_prob: float  # the same straight from the model (T = 1)
    path_prob: float  # the product of `prob` along the path: the chance of writing exactly this

    @property
    def depth(self) -> int:
        return len(self.path)


def continuation_tree(backend: Backend, ids: list[int], params: SamplingParams, limits: TreeLimits) -> list[Node]:
    """Nodes level by level, the root (the prompt itself) first; within a level, likeliest paths first. When the cap
    bites, the likeliest paths of a level are kept."""
    params.validate()
    limits.validate()
    ids = backend.fit(ids)[0]
    if not ids:
        raise ValueError("the text has no tokens: type at least one word")
    base = backend.decode(ids[-16:])  # a short tail: enough for spacing, cheap to decode again
    nodes = [Node(-1, (), "", 1.0, 1.0, 1.0)]
    level = [0]
    for _ in range(limits.depth):
        logits = backend.next_token_logits_batch([ids + list(nodes[i].path) for i in level])  # (N, V)
        candidates = []
        for i, row in zip(level, logits):
            dist, model = distribution(row, params), row.softmax(-1)
            p, tok = dist.topk(min(limits.branches, dist.numel()))
            for pk, tk in zip(p.tolist(), tok.tolist()):
                if pk > 0 and nodes[i].path_prob * pk >= limits.floor:
                    candidates.append((nodes[i].path_prob * pk, i, tk, pk, float(model[tk])))
        candidates.sort(key=lambda c: -c[0])
        room = limits.max_nodes + 1 - len(nodes)
        level = []
        for path_prob, i, tk, pk, mp in candidates[:room]:
            path = nodes[i].path + (tk,)
            full = backend.decode(ids[-16:] + list(path))
            text = full[len(base) :] if full.startswith(base) else nodes[i].text + backend.decode([tk])
            level.append(len(nodes))
            nodes.append(Node(i, path, text, pk, mp, path_prob))
        if not level:
            break
    return nodes


def leaves(nodes: list[Node]) -> list[int]:
    """Indices of the nodes with no children (the ends of the paths), likeliest path first."""
    parents = {n.parent for n in nodes}
    return sorted((i for i in range(1, len(nodes)) if i not in parents), key=lambda i: -nodes[i].path_prob)


def path_of(nodes: list[Node], i: int) -> list[Node]:
    """The nodes from the prompt's first word to node i (the root left out)."""
    path = []
    while i > 0:
        path.append(nodes[i])
        i = nodes[i].parent
    return path[::-1]


def greedy_end(nodes: list[Node]) -> int:
    """The node that always taking the likeliest next token reaches (greedy decoding, within the tree): from the
    root, the child with the highest probability, as deep as the tree goes there. 0 (the root) for a bare tree."""
    children: dict[int, list[int]] = {}
    for i, n in enumerate(nodes[1:], start=1):
        children.setdefault(n.parent, []).append(i)
    i = 0
    while i in children:
        i = max(children[i], key=lambda c: nodes[c].prob)
    return i
