# The content-safety scan's term lists (safety.py), the articles (articles.py) with their versions and
# review steps (history.py; the flow itself is review_flow.py), and the daily view counts (visits.py).
from .articles import Article  # noqa: F401  (the package exports its models)
from .history import ArticleVersion, ReviewStep  # noqa: F401  (the package exports its models)
from .safety import AllowedDomain, AllowedPhrase, SafetyTerm  # noqa: F401  (the package exports its models)
from .visits import ArticleVisit, VisitSalt  # noqa: F401  (the package exports its models)
