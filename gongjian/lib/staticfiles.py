"""Static files storage: Django's, with each file's URL worked out once per storage."""

from django.contrib.staticfiles.storage import StaticFilesStorage as DjangoStaticFilesStorage


class StaticFilesStorage(DjangoStaticFilesStorage):
    """A static URL depends only on the file's name and STATIC_URL (a changed setting makes a
    new storage), yet every page asked for six of them afresh, each through URL quoting and
    joining."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name):
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
