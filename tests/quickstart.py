"""The quickstart example and one edit of it: its operator's prompt reworded (a new operator version).

Shared by tests/integration/test_quickstart.py and bench/provider_requests.py, so that both change
the same thing and both notice when the example no longer has the prompt they edit.
"""

from __future__ import annotations

from pathlib import Path

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart" / "__main__.py"
#: The start of the operator's prompt in the example, and what the edit puts in its place.
PROMPT = "Rate from 0 to {{parameters.scale}} how well the agent followed the support script, "
EDITED_PROMPT = "Strictly rate from 0 to {{parameters.scale}} the script adherence, "


def edited_quickstart(directory: Path) -> Path:
    """Write the quickstart with its operator's prompt reworded to ``directory/quickstart_edited.py``
    and return that path (load it with ``pulumi_twilio_intelligence.testing.load_program``).

    Raises:
        ValueError: the example no longer contains :data:`PROMPT` (the edit would change nothing).
    """
    source = QUICKSTART.read_text()
    if PROMPT not in source:
        raise ValueError(f"{QUICKSTART} no longer contains the prompt {PROMPT!r}: update {__name__}")
    edited = directory / "quickstart_edited.py"
    edited.write_text(source.replace(PROMPT, EDITED_PROMPT))
    return edited
