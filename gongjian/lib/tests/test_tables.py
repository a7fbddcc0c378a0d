"""lib.tables: every cell escaped unless built as markup, labelled for the phone cards, the title marked."""

from types import SimpleNamespace

from django.utils.html import format_html

from gongjian.lib.tables import Column, Table, badges, choice_labels


class People(Table):
    columns = (
        Column("name", "姓名", title=True),
        Column("note", "备注 <b>", css_class="text-muted"),
        Column("link", "链接"),
    )
    empty_text = "暂无 <人员>"

    def row_attrs(self, obj):
        return {"data-id": obj.id}

    def render_name(self, obj):
        return obj.name

    def render_note(self, obj):
        return obj.note

    def render_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.url, obj.name)


def row(**fields):
    return SimpleNamespace(**{"id": 7, "name": "张三", "note": "", "url": "/p/7/", **fields})


def test_it_escapes_plain_cells_and_keeps_markup_built_with_format_html():
    body = People([row(name="<script>alert(1)</script>", note="a & b", url='/p/"x"/')]).body()
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "a &amp; b" in body
    assert '<a href="/p/&quot;x&quot;/">&lt;script&gt;' in body


def test_it_labels_each_cell_with_its_header_and_marks_the_title():
    body = People([row()]).body()
    assert '<td class="cell-title" data-label="姓名">张三</td>' in body
    assert '<td class="text-muted" data-label="备注 &lt;b&gt;"></td>' in body
    assert '<tr data-id="7">' in body


def test_it_escapes_headers_and_keeps_their_classes():
    header = People([]).header()
    assert header == '<th>姓名</th><th class="text-muted">备注 &lt;b&gt;</th><th>链接</th>'


def test_it_says_the_empty_text_across_every_column():
    assert People([]).body() == '<tr><td colspan="3" class="text-muted text-center py-4">暂无 &lt;人员&gt;</td></tr>'


def test_it_escapes_badge_texts_and_reads_choice_labels():
    from gongjian.orgs.choices import Sector

    assert badges(["<i>", "志愿服务"]) == (
        '<span class="badge rounded-pill text-bg-light border">&lt;i&gt;</span> <span class="badge rounded-pill text-bg-light border">志愿服务</span>'
    )
    assert choice_labels(Sector)["school"] == str(Sector.SCHOOL.label)
