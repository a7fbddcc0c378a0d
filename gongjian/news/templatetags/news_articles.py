"""{% related_articles obj %}: the 相关报道 list on the pages of the activities, agreements, projects and organizations articles report on."""

from django import template

from gongjian.news.models.articles import Article

register = template.Library()

RELATED_LIMIT = 10


@register.inclusion_tag("news/partials/article_related.html")
def related_articles(obj):
    """Published articles about ``obj``, newest first (one query)."""
    articles = list(Article.objects.about(obj).only("uuid", "title", "published_at").order_by("-published_at", "-pk")[:RELATED_LIMIT])
    return {"related_articles": articles}
