# The content-safety scan's term lists (safety.py) and the articles with their review flow (articles.py).
from .safety import AllowedDomain, AllowedPhrase, SafetyTerm  # noqa: F401
