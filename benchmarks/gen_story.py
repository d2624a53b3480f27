"""A synthetic story of any size, for benchmarks and tests of the author tools.

    python benchmarks/gen_story.py 1000 /tmp/big --roles 2 --seed 0

Each role gets a block of scenes that flows forward (each choice jumps one to four
scenes ahead), with small meter effects, some locked choices, flags, routes, a few
one-time loops back, an immediate ending and endings by rank: a state space that
grows with the number of scenes, like a real story's, not with the number of paths.
The same (n_scenes, roles, seed) always writes the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    *("summit", "trade", "trust", "envoy", "coal", "talks", "pressure", "offer", "delay"),
    *("leverage", "statement", "dinner", "garden", "sanctions", "missile", "bargain"),
    *("signal", "warning", "promise", "deadline", "aide", "memo"),
]
METERS = {"trust": (0, 5, 2), "trade": (0, 5, 3), "heat": (0, 3, 0)}
FLAGS = ("pressed", "softened")
SCENES_PER_FILE = 100


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _inline(table: dict[str, object]) -> str:
    parts = []
    for key, value in table.items():
        if isinstance(value, dict):
            parts.append(f"{key} = {_inline(value)}")
        elif isinstance(value, list):
            parts.append(f"{key} = [{', '.join(_q(str(v)) for v in value)}]")
        else:
            parts.append(f"{key} = {value}")
    return "{ " + ", ".join(parts) + " }"


def _condition(rng: random.Random) -> dict[str, object]:
    kind = rng.random()
    if kind < 0.4:
        meter = rng.choice(["trust", "trade"])
        return {meter: {"min": rng.randint(1, 3)}}
    if kind < 0.6:
        return {"heat": {"max": rng.randint(1, 2)}}
    if kind < 0.8:
        return {"flags": [rng.choice(FLAGS)]}
    return {"not_flags": [rng.choice(FLAGS)]}


def _choice(
    rng: random.Random, sid: str, i: int, lo: int, hi: int, k: int, locked: bool
) -> list[str]:
    lines = [f"[[scenes.{sid}.choices]]", f'id = "c{k}"', f"text = {_q(_prose(rng, 6))}"]
    ahead = i + rng.randint(1, 4)
    if i > lo + 3 and rng.random() < 0.05:
        # a one-time loop back
        lines.append(f'goto = "s{rng.randint(max(lo, i - 3), i - 1)}"')
        lines.append('requires = { not_flags = ["looped"] }')
        lines.append('set = ["looped"]')
        return lines
    if ahead >= hi:
        lines.append('goto = "end"' if rng.random() < 0.7 else 'goto = "end:triumph"')
    else:
        lines.append(f'goto = "s{ahead}"')
    effects = {
        m: rng.choice([-2, -1, 1, 1, 2]) for m in rng.sample(list(METERS), rng.randint(1, 2))
    }
    lines.append(f"effects = {_inline(effects)}")
    if rng.random() < 0.08:
        lines.append(f'set = ["{rng.choice(FLAGS)}"]')
    elif rng.random() < 0.03:
        lines.append(f'clear = ["{rng.choice(FLAGS)}"]')
    if locked:
        lines.append(f"requires = {_inline(_condition(rng))}")
    if rng.random() < 0.08 and ahead + 1 < hi:
        lines.append(f'routes = [{{ when = {_inline(_condition(rng))}, goto = "s{ahead + 1}" }}]')
    return lines


def _scene(rng: random.Random, i: int, lo: int, hi: int, role: str) -> list[str]:
    sid = f"s{i}"
    lines = [
        f"[scenes.{sid}]",
        f"title = {_q(_prose(rng, 3))}",
        f"text = {_q(_prose(rng, 40))}",
        f'roles = ["{role}"]',
        "",
    ]
    if rng.random() < 0.2:
        lines += [
            f"[[scenes.{sid}.passages]]",
            f"when = {_inline(_condition(rng))}",
            f"text = {_q(_prose(rng, 12))}",
            "",
        ]
    n = rng.randint(2, 4)
    for k in range(n):
        lines += _choice(rng, sid, i, lo, hi, k, locked=k > 0 and rng.random() < 0.25)
        lines.append("")
    return lines


def generate(n_scenes: int, out_dir: Path, *, roles: int = 2, seed: int = 0) -> Path:
    """Write a story of `n_scenes` scenes (split among `roles` roles) into `out_dir`."""
    if n_scenes < 2 * roles:
        raise ValueError("give each role at least two scenes")
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.toml"):
        old.unlink()
    blocks = [(r * n_scenes // roles, (r + 1) * n_scenes // roles) for r in range(roles)]
    root = [
        "# A synthetic story written by benchmarks/gen_story.py.",
        "[story]",
        f'id = "synthetic-{n_scenes}-{roles}-{seed}"',
        f'title = "Synthetic {n_scenes}"',
        'version = "1"',
        "format = 1",
        "",
    ]
    for meter, (lo, hi, start) in METERS.items():
        root += [f"[meters.{meter}]", f'label = "{meter.title()}"']
        root += [f"min = {lo}", f"max = {hi}", f"start = {start}", ""]
    for r, (lo, _) in enumerate(blocks):
        root += [f"[roles.r{r}]", f'label = "Role {r}"', f'start = "s{lo}"', ""]
    root += [
        "[endings.meltdown]",
        'title = "Meltdown"',
        'text = "It all boils over."',
        "rank = 0",
        "immediate = true",
        "when = { heat = { min = 3 }, trust = { max = 0 } }",
        "",
        "[endings.triumph]",
        'title = "Triumph"',
        'text = "A deal."',
        "rank = 1",
        'when = { trust = { min = 4 }, trade = { min = 3 }, flags = ["softened"] }',
        "",
        "[endings.stalemate]",
        'title = "Stalemate"',
        'text = "Nothing moves."',
        "rank = 2",
        "when = { trade = { max = 1 } }",
        "",
        "[endings.draw]",
        'title = "Draw"',
        'text = "Polite words."',
        "rank = 9",
        "",
    ]
    (out_dir / "story.toml").write_text("\n".join(root))
    chunk: list[str] = []
    for r, (lo, hi) in enumerate(blocks):
        for i in range(lo, hi):
            chunk += _scene(rng, i, lo, hi, f"r{r}")
            if (i + 1) % SCENES_PER_FILE == 0 or i == n_scenes - 1:
                name = f"scenes_{i // SCENES_PER_FILE:03d}.toml"
                (out_dir / name).write_text("\n".join(chunk))
                chunk = []
    if chunk:
        (out_dir / f"scenes_{(n_scenes - 1) // SCENES_PER_FILE:03d}.toml").write_text(
            "\n".join(chunk)
        )
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--roles", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = generate(args.scenes, args.out, roles=args.roles, seed=args.seed)
    print(f"wrote a {args.scenes}-scene story to {path}")


if __name__ == "__main__":
    main()
