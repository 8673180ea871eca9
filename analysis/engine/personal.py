"""Personal data in a text: the platform's one detector lives in ``egts.personal_data``
(the moderation flags use it too); the engine takes it from there."""

from egts.personal_data import KINDS, names, personal_data

__all__ = ["KINDS", "names", "personal_data"]
