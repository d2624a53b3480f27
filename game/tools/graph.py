"""The story map: scenes as nodes, choices as edges, as Mermaid or Graphviz DOT.

Each choice is an edge labelled with its id, its effects, the flags it sets (+) and
clears (-) and what it requires (`if ...`); a route is a dashed edge labelled
`route if ...`. Scenes are coloured by their role (grey when shared), endings are
stadiums (DOT: double octagons), an immediate ending is red, and `goto = "end"`
leads to a "by rank" node that fans out to the endings in rank order.

`role` keeps only what that role can come to by following gotos and routes from its
start (conditions aside: the map, not the search), and `labels=False` leaves the
edges bare, for a smaller picture of a large story.
"""

from __future__ import annotations

from collections.abc import Iterator

from game.core.model import Choice, Condition, Story

PALETTE = ("#dbeafe", "#fee2e2", "#dcfce7", "#fef9c3", "#ede9fe", "#ffedd5", "#cffafe")
SHARED = "#f3f4f6"
ENDING = "#fde68a"
IMMEDIATE = "#fca5a5"
BY_RANK = "by_rank"


def condition_text(cond: Condition) -> str:
    """A condition in short: `trust≥3, trade≤5, coal_cited, !talks, (a | b)`."""
    parts = []
    for meter, bound in cond.meters.items():
        if bound.min is not None and bound.max is not None:
            parts.append(f"{bound.min}≤{meter}≤{bound.max}")
        elif bound.min is not None:
            parts.append(f"{meter}≥{bound.min}")
        elif bound.max is not None:
            parts.append(f"{meter}≤{bound.max}")
    parts += sorted(cond.flags)
    parts += [f"!{f}" for f in sorted(cond.not_flags)]
    if cond.any:
        parts.append("(" + " | ".join(condition_text(c) for c in cond.any) + ")")
    return ", ".join(parts)


def choice_label(choice: Choice) -> str:
    parts = [choice.id]
    effects = ", ".join(f"{m} {d:+d}" for m, d in choice.effects.items())
    if effects:
        parts.append(effects)
    flags = [f"+{f}" for f in sorted(choice.set)] + [f"-{f}" for f in sorted(choice.clear)]
    if flags:
        parts.append(" ".join(flags))
    if choice.requires is not None:
        parts.append("if " + condition_text(choice.requires))
    return " · ".join(parts)


def _role_colours(story: Story) -> dict[str, str]:
    return {role: PALETTE[i % len(PALETTE)] for i, role in enumerate(story.roles)}


def _scene_role(story: Story, scene_id: str) -> str | None:
    roles = story.scenes[scene_id].roles
    return roles[0] if len(roles) == 1 else None


def _target(goto: str) -> str:
    if goto == "end":
        return BY_RANK
    if goto.startswith("end:"):
        return "e_" + goto[4:]
    return "s_" + goto


def reachable(story: Story, role: str) -> set[str]:
    """The scenes a role can come to by its gotos and routes (conditions ignored)."""
    seen = {story.roles[role].start}
    todo = list(seen)
    while todo:
        for choice in story.scenes[todo.pop()].choices:
            for goto in choice.destinations:
                if goto in story.scenes and goto not in seen:
                    seen.add(goto)
                    todo.append(goto)
    return seen


class _View:
    """What a picture shows: all of the story, or the part one role can come to."""

    def __init__(self, story: Story, role: str | None, labels: bool) -> None:
        self.labels = labels
        self.roles = list(story.roles) if role is None else [role]
        scope = None if role is None else reachable(story, role)
        self.scenes = [sid for sid in story.scenes if scope is None or sid in scope]
        self.edges = list(_edges(story, scope))
        targets = {target for _, target, _, _ in self.edges}
        self.rank = BY_RANK in targets
        self.endings = [
            eid
            for eid, ending in story.endings.items()
            if scope is None or self.rank or ending.immediate or "e_" + eid in targets
        ]

    def label(self, text: str) -> str:
        return text if self.labels else ""


def _edges(story: Story, only: set[str] | None = None) -> Iterator[tuple[str, str, str, bool]]:
    """(from, to, label, is a route) for every choice and route (of the `only` scenes)."""
    for sid, scene in story.scenes.items():
        if only is not None and sid not in only:
            continue
        for choice in scene.choices:
            yield "s_" + sid, _target(choice.goto), choice_label(choice), False
            for route in choice.routes:
                label = f"{choice.id}: route if {condition_text(route.when)}"
                yield "s_" + sid, _target(route.goto), label, True
            total = sum(r.weight for r in choice.random)
            for entry in choice.random:
                label = f"{choice.id}: random {entry.weight}/{total}"
                if entry.when is not None:
                    label += f" if {condition_text(entry.when)}"
                yield "s_" + sid, _target(entry.goto), label, True


def _ending_label(story: Story, ending_id: str) -> str:
    ending = story.endings[ending_id]
    label = f"{ending.title} ({ending_id})"
    if ending.immediate and ending.when is not None:
        label += f" · at once if {condition_text(ending.when)}"
    return label


# -- Mermaid ---------------------------------------------------------------------------

_MERMAID_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "`": "#96;",
    ";": "#59;",
    "\n": " ",
    "\r": " ",
}


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: quotes, brackets and the like as entity codes."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text)


def mermaid(story: Story, role: str | None = None, labels: bool = True) -> str:
    """The map as a Mermaid flowchart: all of it, or one `role`'s part; `labels=False`
    leaves the edges bare."""
    view = _View(story, role, labels)
    colours = _role_colours(story)
    out = ["flowchart TD", f"    %% {mermaid_text(story.title)} ({story.id} v{story.version})"]
    for role_id in view.roles:
        role_ = story.roles[role_id]
        out.append(f'    r_{role_id}(("{mermaid_text(role_.label)}")):::role_{role_id}')
        out.append(f"    r_{role_id} ==> s_{role_.start}")
    for sid in view.scenes:
        scene = story.scenes[sid]
        owner = _scene_role(story, sid)
        cls = f"role_{owner}" if owner else "shared"
        out.append(f'    s_{sid}["{mermaid_text(f"{scene.title} ({sid})")}"]:::{cls}')
    for eid in view.endings:
        cls = "immediate" if story.endings[eid].immediate else "ending"
        out.append(f'    e_{eid}(["{mermaid_text(_ending_label(story, eid))}"]):::{cls}')
    if view.rank:
        out.append(f'    {BY_RANK}{{{{"end by rank"}}}}:::shared')
        for eid in story.ending_order:
            when = story.endings[eid].when
            label = f"rank {story.endings[eid].rank}" + (
                f" if {condition_text(when)}" if when is not None else ""
            )
            out.append(f"    {BY_RANK} -.->{_mermaid_label(view.label(label))} e_{eid}")
    for source, target, label, route in view.edges:
        arrow = "-.->" if route else "-->"
        out.append(f"    {source} {arrow}{_mermaid_label(view.label(label))} {target}")
    for role_id, colour in colours.items():
        out.append(f"    classDef role_{role_id} fill:{colour},stroke:#333")
    out.append(f"    classDef shared fill:{SHARED},stroke:#333")
    out.append(f"    classDef ending fill:{ENDING},stroke:#92400e,stroke-width:2px")
    out.append(f"    classDef immediate fill:{IMMEDIATE},stroke:#991b1b,stroke-width:2px")
    return "\n".join(out) + "\n"


def _mermaid_label(label: str) -> str:
    return f'|"{mermaid_text(label)}"|' if label else ""


# -- Graphviz DOT ------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """A double-quoted DOT string: backslashes and quotes escaped, newlines as \\n."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + body.replace("\r", "").replace("\n", "\\n") + '"'


def _attrs(**values: str) -> str:
    return "[" + ", ".join(f"{k}={dot_text(v)}" for k, v in values.items()) + "]"


def _dot_label(label: str) -> dict[str, str]:
    return {"label": label} if label else {}


def dot(story: Story, role: str | None = None, labels: bool = True) -> str:
    """The map as Graphviz DOT: all of it, or one `role`'s part; `labels=False` leaves
    the edges bare."""
    view = _View(story, role, labels)
    colours = _role_colours(story)
    out = [
        f"digraph {dot_text(story.id)} {{",
        "    graph "
        + _attrs(rankdir="TB", label=f"{story.title} ({story.id} v{story.version})", labelloc="t")
        + ";",
        '    node [shape="box", style="rounded,filled", fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize="10"];',
    ]
    for role_id in view.roles:
        role_ = story.roles[role_id]
        out.append(
            f"    {dot_text('r_' + role_id)} "
            + _attrs(label=role_.label, shape="ellipse", fillcolor=colours[role_id])
            + ";"
        )
        out.append(f"    {dot_text('r_' + role_id)} -> {dot_text('s_' + role_.start)};")
    for sid in view.scenes:
        scene = story.scenes[sid]
        owner = _scene_role(story, sid)
        colour = colours[owner] if owner else SHARED
        label = f"{scene.title}\n({sid})"
        out.append(f"    {dot_text('s_' + sid)} " + _attrs(label=label, fillcolor=colour) + ";")
    for eid in view.endings:
        colour = IMMEDIATE if story.endings[eid].immediate else ENDING
        label = _ending_label(story, eid)
        out.append(
            f"    {dot_text('e_' + eid)} "
            + _attrs(label=label, shape="doubleoctagon", fillcolor=colour)
            + ";"
        )
    if view.rank:
        out.append(
            f"    {dot_text(BY_RANK)} "
            + _attrs(label="end by rank", shape="diamond", fillcolor=SHARED)
            + ";"
        )
        for eid in story.ending_order:
            when = story.endings[eid].when
            label = f"rank {story.endings[eid].rank}" + (
                f" if {condition_text(when)}" if when is not None else ""
            )
            out.append(
                f"    {dot_text(BY_RANK)} -> {dot_text('e_' + eid)} "
                + _attrs(**_dot_label(view.label(label)), style="dotted")
                + ";"
            )
    for source, target, label, route in view.edges:
        extra = {"style": "dashed"} if route else {}
        attributes = {**_dot_label(view.label(label)), **extra}
        out.append(
            f"    {dot_text(source)} -> {dot_text(target)}"
            + (" " + _attrs(**attributes) if attributes else "")
            + ";"
        )
    out.append("}")
    return "\n".join(out) + "\n"
