"""Pages of long lists without counting the whole list first.

An exact total over a large table costs more than reading one page of it: counting the
62,000 live enterprise organizations of the benchmark reads 62,000 index entries, the
page reads 21. Lists that grow large therefore fetch one row more than they show, to
know whether a next page exists, and count only when asked (the UI in a second HTMX
request, the API on its last page or with ``?count=true``).
"""


def page_number(value, default=1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


class Window:
    """One page; the interface of a Django Page as far as templates and DRF's links use it."""

    paginator = None  # tells the pagination partial to show "Page n" and load the total later

    def __init__(self, queryset, number, per_page):
        self.number, self.per_page = number, per_page
        rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def total_if_known(self):
        """The list's length when this page is its last, else None."""
        if self._has_next or (self.number > 1 and not self.object_list):
            return None
        return (self.number - 1) * self.per_page + len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)
