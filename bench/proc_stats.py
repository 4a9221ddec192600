"""Memory and threads of a server's process tree, read from /proc (Linux; no extra package)."""

from __future__ import annotations

import os
from pathlib import Path


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        ppid = int(text.rsplit(")", 1)[1].split()[1])  # the name in (...) may hold spaces
        kids.setdefault(ppid, []).append(int(stat.parent.name))
    return kids


def process_tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants."""
    kids, out, todo = _children(), [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def tree_stats(pids: list[int]) -> tuple[float, int]:
    """(resident memory in MB, threads) of the processes and their descendants, summed."""
    rss_kb, threads = 0, 0
    for pid in process_tree(pids):
        st = _status(pid)
        rss_kb += int(st.get("VmRSS", "0 kB").split()[0])
        threads += int(st.get("Threads", "0"))
    return rss_kb / 1024, threads


def pids_listening_on(port: int) -> list[int]:
    """Processes (of this user) with a socket listening on `port`: the server behind a local URL."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A = LISTEN
                inodes.add(cols[9])
    found = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            links = {os.readlink(fd) for fd in fd_dir.iterdir()}
        except OSError:
            continue
        if any(link == f"socket:[{i}]" for i in inodes for link in links):
            found.append(int(fd_dir.parent.name))
    return found


def tree_cpu_s(pids: list[int], tree: bool = True) -> float:
    """CPU time (user + system, seconds) used so far by the processes (and, if `tree`, their descendants)
    alive now."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in process_tree(pids) if tree else pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick
