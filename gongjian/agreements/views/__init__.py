from .agreements import *  # noqa: F403  (the package re-exports every view for urls.py)
from .network import *  # noqa: F403  (likewise)
