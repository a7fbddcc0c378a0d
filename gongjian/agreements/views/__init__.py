from .agreements import *  # noqa: F403
from .network import *  # noqa: F403
