"""What the six simulators share: places and bodies of Shiyan, people, dirt, the paging app.

A simulator describes its partner's records with a `Profile` (a record factory plus which
fields are dates, which may go missing, and how a row can be malformed); `generate` turns
it into a deterministic stream of rows, and `app.create_simulator_app` serves them.
"""

from .app import create_simulator_app
from .generate import Breakage, Profile, Truth, generate

__all__ = ["Breakage", "Profile", "Truth", "create_simulator_app", "generate"]
