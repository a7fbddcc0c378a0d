from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gongjian.lib.navigation import fixed_url

register = template.Library()

# The three tracks keep their place in the menu before any of their pages exist.
ALWAYS_SHOWN = frozenset({"study", "build", "create"})


@register.simple_tag
def main_menu(menu):
    """The navbar's dropdowns from lib.navigation.menu_for(); built here because every page
    shows them, and a template loop over some thirty links was a tenth of a list page's render."""
    parts, coming_soon = [], escape(_("Coming soon"))  # gettext outside the f-string: xgettext cannot see into one
    for key, label, items in menu:
        if not items and key not in ALWAYS_SHOWN:
            continue
        parts.append(
            f'<li class="nav-item dropdown" data-menu="{escape(key)}">'
            f'<a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{escape(str(label))}</a>'
            '<ul class="dropdown-menu">'
        )
        for name, url in items:
            parts.append(f'<li><a class="dropdown-item" href="{escape(url)}">{escape(str(name))}</a></li>')
        if not items:
            parts.append(f'<li><span class="dropdown-item-text text-muted">{coming_soon}</span></li>')
        parts.append("</ul></li>")
    return mark_safe("".join(parts))  # noqa: S308  (keys, labels and URLs are escaped above)


@register.simple_tag
def nav_url(url_name):
    """``{% url %}`` for a link without arguments (lib.navigation.fixed_url)."""
    return fixed_url(url_name)
