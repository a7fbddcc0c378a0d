# The content-safety scan's term lists (safety.py) and the articles with their review flow (articles.py).
from .articles import Article, ArticleVersion, ReviewStep  # noqa: F401  (the package exports its models)
from .safety import AllowedDomain, AllowedPhrase, SafetyTerm  # noqa: F401  (the package exports its models)
from .visits import ArticleVisit, VisitSalt  # noqa: F401  (the package exports its models)
