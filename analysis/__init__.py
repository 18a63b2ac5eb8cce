"""trygghetsanalys: lägesbild from the police safety survey and safety walks.

Nothing happens at import: every module exposes functions only.
"""

__version__ = "0.1.0"
