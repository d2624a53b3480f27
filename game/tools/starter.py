"""The small story `mar-a-lago init DIR` writes: three commented files that load, check
without a warning and play to any of four endings, for an author to start from.

`starter_files` returns the files' names and texts; the `init` command writes them.
"""

from __future__ import annotations

import re

STORY = """\
# {title}: a small story to start from, written by `mar-a-lago init`.
#
# A story is a folder of .toml files, read in sorted order and merged into one. This file
# holds the story itself, its meters and its roles; scenes.toml the scenes; endings.toml
# the endings. Check it after every edit:
#
#     mar-a-lago check {folder}
#     mar-a-lago play {folder} --plain        (or without --plain, the full-screen game)
#
# The tutorial: docs/writing-stories.md; every key: docs/story-format.md.

[story]
id = "{story_id}"          # stable: saves record it (change it and old saves are refused)
title = "{title}"
version = "0.1"            # bump it when you change the story
format = 1

# A meter is a number the player's choices move, shown while playing.
[meters.supplies]
label = "Supplies"
min = 0
max = 5
start = 3
help = "Oil, bread and coal: what the keeper has left."

[meters.storm]
label = "Storm"
min = 0
max = 5
start = 2
good = "low"               # for this meter, low is good (the game colours it so)
help = "How hard the storm blows."

# Flags are true/false facts a choice sets. Declaring them (optional) gives each a help
# text, and makes `check` catch a misspelt flag anywhere in the story.
[flags]
lamp_early = "The keeper lit the lamp before the storm came in."
signalled = "The keeper flashed the warning signal to the ship."

# A role is a side the player takes; each starts at a scene.
[roles.keeper]
label = "The lighthouse keeper"
start = "arrival"
blurb = "You keep the lamp burning through one winter night."
"""

SCENES = '''\
# The scenes. Each has a title, a text and choices; a choice moves the meters
# (`effects`), sets or clears flags (`set`, `clear`) and goes somewhere (`goto`):
# a scene, "end:<ending>" for that ending, or "end" for the first ending (by rank)
# whose `when` holds.

[scenes.arrival]
title = "Dusk"
text = """
The last light goes out over the bay. The storm is coming in from the north,
and the lamp at the top of the tower must burn until morning. You have
{supplies} days of oil and coal.
"""
# {supplies} shows the meter's value; {{ and }} write a literal brace.

# A passage is extra text, shown while its `when` holds.
[[scenes.arrival.passages]]
when = { storm = { min = 3 } }
text = "Already the windows rattle in their frames."

[[scenes.arrival.choices]]
id = "stock_up"
text = "Carry coal and oil up before the storm arrives."
goto = "lamp"
effects = { supplies = 1, storm = 1 }   # deltas; a meter never leaves its min..max

[[scenes.arrival.choices]]
id = "climb"
text = "Climb straight to the lamp."
goto = "lamp"
set = ["lamp_early"]       # a flag: true from now on, until a choice clears it

[scenes.lamp]
title = "The Lamp"
text = """
The great lens turns slowly. Far out, a light answers: a ship, close to the rocks.
{storm >= 3: The wind screams around the tower.|The sea is rough, but the air is clear.}
"""
# {condition: text|other text} shows the first text while the condition holds (a flag,
# `not flag`, or a meter compared with >=, <=, >, <, == or !=), else the second.

[[scenes.lamp.passages]]
when = { flags = ["lamp_early"] }
text = "Because you lit it early, the beam was out there when the ship needed it."

[[scenes.lamp.choices]]
id = "signal"
text = "Flash the warning signal."
goto = "end"               # the first ending, by rank, whose `when` holds
effects = { supplies = -1 }
set = ["signalled"]

[[scenes.lamp.choices]]
id = "burn_everything"
text = "Burn every last drop of oil to make the beam brighter."
goto = "end"
effects = { supplies = -3 }
set = ["signalled"]
requires = { supplies = { min = 3 } }   # locked (and shown with the reason) until it holds
locked_reason = "There is not enough oil left for that."

[[scenes.lamp.choices]]
id = "wait"
text = "Wait and watch."
goto = "end"
effects = { storm = 2 }
# `routes` are tried after the effects: the first whose `when` holds decides the goto
routes = [{ when = { storm = { min = 5 } }, goto = "end:wreck" }]
'''

ENDINGS = """\
# The endings. `goto = "end"` picks the lowest `rank` whose `when` holds; one ending
# has no `when` (the fallback), so every game can end.

[endings.rescue]
title = "The Ship Turns"
text = "The ship turns away from the rocks. At dawn its crew rows ashore to thank you."
rank = 1
when = { flags = ["signalled"], supplies = { min = 1 } }
questions = ["What made the difference tonight?"]

[endings.wreck]
title = "The Wreck"
text = "The storm wins. In the morning, the bay is full of timber."
rank = 2
when = { storm = { min = 5 } }

[endings.dark]
title = "A Dark Tower"
text = "The oil runs out before dawn. Nobody knows what became of the ship."
rank = 3
when = { supplies = { max = 0 } }
immediate = true           # reached at once, after any choice, as soon as `when` holds

[endings.quiet]
title = "A Long Night"
text = "The night passes. Whether the ship saw you, you will never know."
rank = 9
"""


def story_id_for(name: str) -> str:
    """A story id from a folder name: lower case, a-z, 0-9 and _, starting with a letter."""
    words = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not words or not words[0].isalpha():
        words = "story_" + words if words else "my_story"
    return words.rstrip("_")


def title_for(name: str) -> str:
    """A title from a folder name: "winter-night" -> "Winter Night"."""
    words = re.sub(r"[\W_]+", " ", name).split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "My Story"


def starter_files(folder: str, story_id: str, title: str) -> dict[str, str]:
    """The starter story's files: name -> text. `folder` is how the comments name it."""
    fill = {"{folder}": folder, "{story_id}": story_id, "{title}": title.replace('"', "'")}
    files = {"story.toml": STORY, "scenes.toml": SCENES, "endings.toml": ENDINGS}
    for name, text in files.items():
        for key, value in fill.items():
            text = text.replace(key, value)
        files[name] = text
    return files
