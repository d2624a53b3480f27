"""A class opening the game at once: N browser tabs on a real `mar-a-lago serve`. Each
simulated tab is an aiohttp websocket client speaking textual-serve's protocol
(`/ws?width=..&height=..`, then `["resize", ...]`), as the page's script does; its clock
runs from the connect to the first screen (the title menu's "New game", or the dialog
asking the player's name, in what the game sent, stripped of escape sequences). All N
tabs connect at once (after serve has its games started ahead, `--ready-games`); the
measure is the slowest tab. With every tab on its first screen, the PSS of each game
process is read from /proc (PSS counts a page shared by k processes as 1/k in each: the
mean is what a game costs), with the CPU the server's tree spent. Then the tabs close,
and the benchmark waits for every tab's game process to end (a tab gone ends its game).

The yardstick, taken in the same run: the cold start of benchmarks/minimal_app.py to
its first frame under a pty (bench_startup.first_frame).

    .venv/bin/python benchmarks/bench_serve.py [N ...]
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import bench_startup  # noqa: E402

#: what a served game's first screen shows: the title menu, or the dialog asking a name
MARKERS = ("New game", "Your name")
#: bytes of a tab's output scanned for the marker
WINDOW = 32_768
SIZE = (100, 30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def tree(root: int) -> list[int]:
    """`root` and every process under it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def cpu_s(pids: list[int]) -> float:
    """User and system CPU seconds the processes have used (not their ended children)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Server:
    """A real `mar-a-lago serve` on a free port (`spawn`: auto (a zygote) or exec), with
    `ready` games started ahead (None: serve's default)."""

    def __init__(self, spawn: str, ready: int | None = None, max_games: int = 100) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.log = Path(self.tmp.name) / "serve.log"
        argv = [sys.executable, "-m", "game", "serve", "--port", str(self.port)]
        argv += ["--saves-dir", str(Path(self.tmp.name) / "saves"), "--spawn", spawn]
        argv += ["--max-games", str(max_games)]
        if ready is not None:
            argv += ["--ready-games", str(ready)]
        self.ready = ready
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1).read()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.1)

    def zygote(self) -> list[int]:
        """The zygote: the server's child with a socket (its forks have its command line)."""
        return [
            p
            for p in tree(self.proc.pid)[1:]
            if _parent(p) == self.proc.pid and "--fd" in _cmdline(p)
        ]

    def games(self) -> list[int]:
        """The game processes (every process under the server but the zygote)."""
        zygote = self.zygote()
        return [p for p in tree(self.proc.pid)[1:] if p not in zygote]

    def waiting(self) -> int:
        """How many games serve keeps started ahead (from its banner)."""
        found = re.search(r"(\d+) started ahead", self.log.read_text())
        return int(found.group(1)) if found else 0

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.tmp.cleanup()


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as raw:
            return raw.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


async def tab(port: int, opened: asyncio.Event, hold: asyncio.Event) -> float:
    """One browser tab: seconds from its connect to its first screen; then it waits for
    `hold`, and closes."""
    import aiohttp

    start = time.perf_counter()
    seen = None
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        url = f"ws://127.0.0.1:{port}/ws?width={SIZE[0]}&height={SIZE[1]}"
        async with session.ws_connect(url) as ws:
            await ws.send_json(["resize", {"width": SIZE[0], "height": SIZE[1]}])
            screen = b""  # the end of what came (a frame is far shorter): cheap to scan
            while seen is None:
                message = await ws.receive(timeout=120)
                if message.type == aiohttp.WSMsgType.BINARY:
                    screen = (screen + message.data)[-WINDOW:]
                    if any(m in bench_startup.visible(screen) for m in MARKERS):
                        seen = time.perf_counter() - start
                elif message.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"the tab was closed before its first screen: {message}")
            opened.set()
            await hold.wait()
    return seen


async def class_opens(server: Server, n: int) -> tuple[list[float], float, float, float]:
    """N tabs at once: each one's time to its first screen, the PSS (MB) of a game
    process (the mean, with all N open), of the server's whole tree then, and the CPU
    seconds the server's tree spent."""
    hold = asyncio.Event()
    events = [asyncio.Event() for _ in range(n)]
    pids = tree(server.proc.pid)
    before = [cpu_s(pids[:1]), cpu_s(pids[1:])]
    tasks = [asyncio.create_task(tab(server.port, e, hold)) for e in events]
    await asyncio.gather(*(e.wait() for e in events))
    after = tree(server.proc.pid)
    used = cpu_s(after) - sum(before)
    if os.environ.get("BENCH_SERVE_DEBUG"):
        own, rest = cpu_s(after[:1]) - before[0], cpu_s(after[1:]) - before[1]
        print(f"  CPU: the server {own:.2f} s, the zygote and the games {rest:.2f} s")
    await asyncio.sleep(0.5)  # every game past its first frame
    games = server.games()
    pss = pss_mb(games) / len(games)
    whole = pss_mb(tree(server.proc.pid))
    hold.set()
    times = await asyncio.gather(*tasks)
    return list(times), pss, whole, used


def wait_for_no_games(server: Server, timeout: float = 30) -> float:
    """Seconds until every game process has ended after its tab closed (but those
    started ahead, waiting for a tab)."""
    start = time.monotonic()
    while len(server.games()) > server.waiting():
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"games still running {timeout} s after their tabs closed")
        time.sleep(0.05)
    return time.monotonic() - start


def full_pool(server: Server, timeout: float = 60) -> None:
    """Wait until serve has its games started ahead (and a moment more)."""
    deadline = time.monotonic() + timeout
    while len(server.games()) < server.waiting() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)


def measure(
    counts: list[int], spawn: str = "auto", ready: int | None = None, repeat: int = 3
) -> dict[int, dict[str, float]]:
    """For each N, `repeat` times: N tabs at once. The median over the repeats of the
    slowest tab, the median tab, the mean PSS of a game process, the CPU per game; the
    most seconds the games took to end after their tabs closed; and the yardstick, the
    minimal app's cold start, measured just before each repeat (the machine's load
    changes: the ratio compares like with like)."""
    server = Server(spawn, ready)
    try:
        asyncio.run(class_opens(server, 1))  # warm: the zygote is ready, files cached
        wait_for_no_games(server)
        results = {}
        for n in counts:
            runs: list[dict[str, float]] = []
            for _ in range(repeat):
                full_pool(server)
                base = cold_start(runs=1, warm=False)
                idle = pss_mb(tree(server.proc.pid))
                times, pss, whole, used = asyncio.run(class_opens(server, n))
                runs.append(
                    {
                        "slowest_s": max(times),
                        "median_s": statistics.median(times),
                        "cpu_per_game_s": used / n,
                        "pss_per_game_mb": pss,
                        # what each game added (meaningful with no game started ahead)
                        "pss_added_mb": (whole - idle) / n,
                        "idle_mb": idle,
                        "ended_s": wait_for_no_games(server),
                        "base_s": base,
                    }
                )
                time.sleep(0.5)
            results[n] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            results[n]["ended_s"] = max(r["ended_s"] for r in runs)
        return results
    finally:
        server.close()


def cold_start(runs: int = 5, warm: bool = True) -> float:
    """The minimal Textual app's cold start to its first frame (median, seconds)."""
    argv = bench_startup.minimal_argv()
    if warm:
        bench_startup.first_frame(argv, bench_startup.MINIMAL_MARKER)  # the file cache
    times = [bench_startup.first_frame(argv, bench_startup.MINIMAL_MARKER)[0] for _ in range(runs)]
    return statistics.median(times)


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [1, 10, 30]
    print(f"minimal app cold start: {cold_start() * 1000:.0f} ms")
    for spawn, ready in (("auto", None), ("auto", 0), ("exec", 0)):
        for n, r in measure(counts, spawn, ready).items():
            print(
                f"{spawn:5} ready={'default' if ready is None else ready} {n:3} tabs: "
                f"slowest {r['slowest_s'] * 1000:6.0f} ms "
                f"({r['slowest_s'] / r['base_s']:4.1f}x of {r['base_s'] * 1000:.0f} ms), "
                f"median {r['median_s'] * 1000:6.0f} ms, "
                f"CPU/game {r['cpu_per_game_s'] * 1000:4.0f} ms, "
                f"PSS/game {r['pss_per_game_mb']:5.1f} MB, added/game {r['pss_added_mb']:5.1f} MB "
                f"(tree idle {r['idle_mb']:.0f} MB), "
                f"ended in {r['ended_s']:.1f} s"
            )


if __name__ == "__main__":
    main()
