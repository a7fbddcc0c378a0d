"""URLs of the news app (filled by its feature)."""

urlpatterns = []
