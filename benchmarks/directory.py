"""Directory benchmark: the directory and its API against plain Django/DRF versions, the needs
pages and every menu page at 100,000 organizations, and Excel import throughput.

    nice python benchmarks/directory.py [--orgs 100000 --people 500000] [--requests 21] [--rounds 5] [--reuse]

Builds a throwaway SQLite database under var/bench/ (or uses DATABASE_URL when set), loads
synthetic organizations and people with realistic Chinese names in bulk, puts a tenth of the
organizations under one district committee (its admin's subtree), and adds needs. Then:

* The directory (filtered by sector, searched by pinyin initials and by a name fragment) and the
  API list, each against the plain version a Django developer would write on the same data
  (defined here): a ListView with a django-filter FilterSet, select_related/prefetch_related and
  a simple template of the same columns; a DRF ListAPIView with DjangoFilterBackend and a plain
  ModelSerializer of the same fields. Both take the project's settings (base template,
  pagination class) and the models' own scoping and search. Measured as an alliance admin and as
  the district's org admin. Page and plain view are timed in alternating blocks (rounds); a
  case's ratio is the median of its rounds' ratios.
* The needs list and the new-need form: page size and median time, for both roles.
* Every page in the menu and every "new" form, for both roles: the worst by size and by time
  (targets: each under 300 KB and 1 s).
* An import of 10,000 organization rows through the Excel importer (planned and written,
  rolled back afterwards).

The last line is machine-readable:

    RESULT directory_vs_plain=… api_vs_plain=… orgadmin_vs_plain=… needs_page_kb=… needs_page_ms=… import_rows_per_s=…

Targets: every ``_vs_plain`` ≤ 1.25, ``needs_page_kb`` ≤ 300, ``import_rows_per_s`` ≥ 2,000.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣晨瑞佳雪琳晶婷颖倩文博思雨子涵轩诚建国志红卫东海燕春梅"
COMPANY_WORDS = "云创 智联 华茸 九科 泖港 佘山 洞泾 新桥 泗泾 九亭 车墩 叶榭 小昆山 石湖荡 永丰 中山 岳阳 方松 广富林 茸城 松云 沪松 申松 东华 长三角 临港 浦江 金山 奉贤 青浦 闵行 嘉定 宝山 崇明 徐汇 长宁 静安 普陀 虹口 杨浦".split()
INDUSTRIES = "科技 信息科技 智能装备 新材料 精密机械 电子 物流 食品 生物科技 新能源 文旅发展 建设工程 医疗器械 软件 汽车零部件 环保科技 数据服务 检测技术 包装材料 供应链管理".split()
DISTRICTS = "松江区 奉贤区 青浦区 闵行区 嘉定区 金山区 浦东新区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 宝山区 崇明区 黄浦区".split()
STREET_WORDS = "广富林 方松 中山 岳阳 永丰 泗泾 九亭 新桥 车墩 叶榭 小昆山 石湖荡 佘山 洞泾 新浜 泖港".split()
COMMUNITY_WORDS = "三新 龙源 荣乐 谷水 华亭 仓城 新凯 江虹 泗联 亭园 紫东 梅园 云间 茸平 沈泾塘 五龙 玉树 通波 北门 西林".split()
SCHOOL_DEPTS = "机械制造系 工业设计系 电子信息系 经济管理系 艺术设计系 建筑工程系 外国语学院 马克思主义学院 计算机学院 护理学院".split()
TAGS = "工业设计 就业服务 志愿服务 理论宣讲 场地设施 技术攻关 文化宣传 教育培训 政策咨询 为老服务 社区治理 法律援助 心理咨询 数据分析 品牌策划".split()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=21, help="timed requests per URL and round (after two warm-ups)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of page and baseline blocks per case")
    parser.add_argument("--walk-requests", type=int, default=1, help="timed requests per menu page and role (after a warm-up)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database of the same size")
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench"), help="where the SQLite database lives (without DATABASE_URL)")
    return parser.parse_args()


def configure(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    if not os.environ.get("DATABASE_URL"):
        bench = Path(getattr(args, "dir", ROOT / "var" / "bench"))
        bench.mkdir(parents=True, exist_ok=True)
        os.environ["VAR_DIR"] = str(bench)
        db = bench / "gongjian.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    # With DEBUG off, pages name static files by the hashes in collectstatic's manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def ready(args):
    """The benchmark database configured and loaded (``args.import_rows`` unused), and its alliance admin:
    what the scripts beside this one (pickers.py, search.py) start from."""
    args.import_rows = 0
    configure(args)
    load(args, random.Random(20250301))
    from gongjian.accounts.models import User

    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_alliance_admin": True, "must_change_password": False})
    return admin


# --- Synthetic data -------------------------------------------------------------------------


def load(args, rng):
    from django.core.management import call_command
    from django.db import connection, transaction

    from gongjian.lib.crypto import lookup_hash
    from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person, Region, pinyin_keys

    call_command("migrate", verbosity=0, interactive=False)
    if args.reuse and Organization.objects.count() >= args.orgs and Person.objects.count() >= args.people:
        print(f"reusing loaded database: {Organization.objects.count():,} organizations, {Person.objects.count():,} people")
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Random keys (uuid, phone hash) land all over their indexes: a large page cache keeps
            # the load from rereading them, and a throwaway database needs no fsync.
            cursor.execute("PRAGMA cache_size = -1000000")
            cursor.execute("PRAGMA synchronous = OFF")
    started = time.perf_counter()
    with transaction.atomic():
        # get_or_create: the demo alliance (benchmarks/load.py) may already hold the same regions and tags.
        city, _ = Region.objects.get_or_create(name="上海市", parent=None, defaults={"level": 1})
        region_paths, streets = [], []
        for d_name in DISTRICTS:
            district, _ = Region.objects.get_or_create(name=d_name, parent=city, defaults={"level": 2})
            for s_word in rng.sample(STREET_WORDS, 8):
                street, _ = Region.objects.get_or_create(name=f"{s_word}街道", parent=district, defaults={"level": 3})
                streets.append(street)
                region_paths.append((street.pk, f"上海市/{d_name}/{street.name}"))
        tags = [CapabilityTag.objects.get_or_create(name=name)[0] for name in TAGS]

        # Explicit ids on a fresh table: paths are known before the insert.
        next_id = (Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        orgs, links, committees = [], [], []
        unique = 0
        first_id = next_id

        def add(name, short, sector, kind, parent, region_id):
            nonlocal next_id
            pk = next_id
            next_id += 1
            initials, full = pinyin_keys(name, short)
            org = Organization(
                pk=pk,
                name=name,
                short_name=short,
                sector=sector,
                kind=kind,
                parent_id=parent.pk if parent else None,
                region_id=region_id,
                path=(parent.path if parent else "/") + f"{pk}/",
                pinyin_initials=initials,
                pinyin=full,
                address=f"上海市某区某路{rng.randint(1, 3000)}号",
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                status="active",
            )
            orgs.append(org)
            for tag in rng.sample(tags, rng.randint(0, 3)):
                links.append(Organization.tags.through(organization_id=pk, capabilitytag_id=tag.pk))
            return org

        def loaded():
            return next_id - first_id

        while loaded() < args.orgs:
            unique += 1
            street_id, street_path = rng.choice(region_paths)
            sector = rng.choices(["enterprise", "government", "school", "social", "other"], [55, 20, 10, 10, 5])[0]
            word = rng.choice(COMPANY_WORDS)
            if sector == "enterprise":
                top = add(
                    f"上海{word}{rng.choice(INDUSTRIES)}有限公司{unique}号党委", f"{word}{unique}", sector, "committee", None, street_id
                )
                children = [f"第{i}党支部" for i in range(1, rng.randint(3, 30))]
            elif sector == "government":
                street_name = street_path.rsplit("/", 1)[1]
                top = add(f"{street_name}{unique}党工委", "", sector, "working_committee", None, street_id)
                children = [f"{rng.choice(COMMUNITY_WORDS)}{i}居民区党总支" for i in range(1, rng.randint(3, 40))]
            elif sector == "school":
                top = add(f"上海{word}职业技术学院{unique}党委", f"{word}学院", sector, "committee", None, street_id)
                children = [f"{dept}教工党支部" for dept in rng.sample(SCHOOL_DEPTS, rng.randint(2, 9))]
            else:
                top = add(f"{word}{unique}两新组织联合党支部", "", sector, "joint_branch", None, street_id)
                children = [f"{word}志愿服务{i}队党小组" for i in range(1, rng.randint(2, 6))]
            committees.append(top)
            for child in children:
                if loaded() >= args.orgs:
                    break
                add(child, "", sector, "branch" if sector != "government" else "general_branch", top, street_id)
            if len(orgs) >= 5000:
                Organization.objects.bulk_create(orgs, batch_size=1000)
                Organization.tags.through.objects.bulk_create(links, batch_size=2000)
                orgs, links = [], []
                if loaded() % 20000 < 5000:
                    print(f"  {loaded():,} organizations", flush=True)
        Organization.objects.bulk_create(orgs, batch_size=1000)
        Organization.tags.through.objects.bulk_create(links, batch_size=2000)
    print(f"loaded {Organization.objects.count():,} organizations in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    initials_of = {}
    people, memberships = [], []
    next_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for i in range(args.people):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        # Person initials are not measured here, so a per-character memo is close enough.
        for char in name:
            if char not in initials_of:
                initials_of[char] = pinyin_keys(char)[0]
        phone = f"1{rng.choice('3456789')}{i:09d}"
        person = Person(
            pk=next_person + i,
            name=name,
            gender=rng.choice(["male", "female"]),
            phone=phone,
            phone_hash=lookup_hash(phone),
            pinyin_initials="".join(initials_of[char] for char in name),
            titles=[],
            speaker_topics=[],
        )
        people.append(person)
        memberships.append(Membership(person_id=person.pk, organization_id=rng.choice(org_ids), role="member"))
        if len(people) >= 20_000:
            # One transaction per batch, so the write-ahead log is checkpointed as the load goes.
            with transaction.atomic():
                Person.objects.bulk_create(people, batch_size=2000)
                Membership.objects.bulk_create(memberships, batch_size=2000)
            people, memberships = [], []
            print(f"  {i + 1:,} people", flush=True)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=2000)
        Membership.objects.bulk_create(memberships, batch_size=2000)
    # Rows were inserted with explicit ids; PostgreSQL's sequences must move past them.
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organization, Person, Membership]):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        # Planner statistics, which PostgreSQL's autovacuum would gather soon after a bulk load anyway.
        cursor.execute("ANALYZE")
    print(f"loaded {Person.objects.count():,} people and memberships in {time.perf_counter() - started:.0f} s")


# --- Plain versions: what a Django developer would write on the same data ------------------------

PLAIN_TEMPLATE = """{% extends "base.html" %}
{% block content %}
<h1>{{ title }}</h1>
<form method="get">{{ filter.form.as_div }}<button type="submit">Filter</button></form>
<table class="table">
<thead><tr><th>Name</th><th>Sector</th><th>Kind</th><th>Parent</th><th>Region</th><th>Capabilities</th><th>Members</th><th>Status</th></tr></thead>
<tbody>{% for org in object_list %}
<tr><td><a href="{{ org.get_absolute_url }}">{{ org.name }}</a>{% if org.short_name %} ({{ org.short_name }}){% endif %}</td>
<td>{{ org.get_sector_display }}</td><td>{{ org.get_kind_display }}</td><td>{{ org.parent.name|default:"" }}</td>
<td>{{ org.region.name|default:"" }}</td><td>{% for tag in org.tags.all %}<span class="badge">{{ tag.name }}</span> {% endfor %}</td>
<td>{{ org.member_count }}</td><td>{{ org.get_status_display }}</td></tr>
{% endfor %}</tbody></table>
{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">Next</a>{% endif %}
{% endblock %}"""


def plain_views():
    """The plain directory page and API list, built after django.setup()."""
    import django_filters
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.template import engines
    from django.views.generic import ListView
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework import generics, serializers

    from gongjian.orgs.api.serializers import OrganizationSerializer
    from gongjian.orgs.models import Membership, Organization

    class PlainFilterSet(django_filters.FilterSet):
        q = django_filters.CharFilter(method="search")

        class Meta:
            model = Organization
            fields = ["q", "sector", "kind", "region", "tags", "status"]

        def search(self, queryset, name, value):
            return queryset.search(value)

    def organizations(user):
        # The member count as a correlated subquery, per row of the page: Count("memberships")
        # with a JOIN and GROUP BY counts every matching organization's members first (13 s for
        # the sector filter here), which no developer would keep.
        members = (
            Membership.objects.current()
            .filter(organization=OuterRef("pk"))
            .order_by()
            .values("organization")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Organization.objects.public_to(user)
            .filter(archived_at__isnull=True)
            .select_related("parent", "region")
            .prefetch_related("tags")
            .annotate(member_count=Coalesce(Subquery(members), 0))
            .order_by("path")
        )

    template = engines["django"].from_string(PLAIN_TEMPLATE)

    class PlainDirectory(LoginRequiredMixin, ListView):
        paginate_by = 20

        def get_queryset(self):
            self.filter = PlainFilterSet(self.request.GET, queryset=organizations(self.request.user))
            return self.filter.qs

        def render_to_response(self, context, **kwargs):
            from django.http import HttpResponse

            return HttpResponse(template.render({**context, "filter": self.filter, "title": "Directory"}, self.request))

    class PlainSerializer(serializers.ModelSerializer):
        parent = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
        parent_name = serializers.CharField(source="parent.name", default="", read_only=True)
        region = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
        region_name = serializers.CharField(source="region.name", default="", read_only=True)
        tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

        class Meta:
            model = Organization
            fields = OrganizationSerializer.Meta.fields

    class PlainAPIList(generics.ListAPIView):
        serializer_class = PlainSerializer
        filter_backends = [DjangoFilterBackend]
        filterset_class = PlainFilterSet

        def get_queryset(self):
            return (
                Organization.objects.public_to(self.request.user)
                .select_related("parent", "region")
                .prefetch_related("tags")
                .order_by("path")
            )

    return PlainDirectory.as_view(), PlainAPIList.as_view()


def install_urlconf():
    import types

    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    page, api = plain_views()
    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench/plain/", page), path("bench/plain-api/", api), path("", include("gongjian.urls"))]
    module.handler404 = "gongjian.lib.errors.page_not_found"
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def timed(client, url, n, **headers):
    for _ in range(2):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def district_admin(share=10):
    """An org admin of a district committee that holds one in ``share`` of the organizations.

    The loader's committees have a few dozen branches each; here whole committees (with their
    branches) are moved under one new top organization, as a district's party committee holds its
    streets and companies, so the admin's subtree is in the thousands.
    """
    from django.db import transaction
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from gongjian.accounts.models import User
    from gongjian.orgs.models import Membership, Organization, Person

    user = User.objects.filter(username="bench-district-admin").first()
    if user is not None:
        return user
    with transaction.atomic():
        district = Organization.objects.create(name="松江区委", sector="government", kind="committee")
        total = Organization.objects.count()
        first = Organization.objects.order_by("pk").values_list("pk", flat=True).first()
        # The first top organization past the share: everything before it is whole committees.
        boundary = (
            Organization.objects.filter(parent__isnull=True, pk__gte=first + total // share)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        moved = Organization.objects.filter(pk__gte=first, pk__lt=boundary)
        moved.filter(parent__isnull=True).update(parent=district)
        moved.update(path=Concat(Value(district.path[:-1]), F("path")))
        person = Person.objects.create(name="区委管理员")
        Membership.objects.create(person=person, organization=district, role=Membership.Role.ADMIN)
        user = User.objects.create(username="bench-district-admin", person=person, must_change_password=False)
    return user


def seed_needs(n, rng):
    """Published and draft needs of random organizations, for the needs list."""
    from django.utils import timezone

    from gongjian.exchange.models import Category, Need
    from gongjian.orgs.models import Organization

    if Need.objects.count() >= n:
        return
    categories = list(Category.objects.all()) or [Category.objects.create(name="设计规划", order=30)]
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    now = timezone.now()
    needs = []
    for i in range(n):
        published = i % 5 != 0
        needs.append(
            Need(
                title=f"{rng.choice(STREET_WORDS)}{rng.choice(['社区', '园区', '学校'])}{rng.choice(TAGS)}需求{i}",
                description="需要志愿者和专业支持。" * 3,
                organization_id=rng.choice(org_ids),
                category=rng.choice(categories),
                status="published" if published else "draft",
                published_at=now if published else None,
            )
        )
    Need.objects.bulk_create(needs, batch_size=1000)


def measure_against_plain(args, roles):
    """(role, label, page ms, plain ms, ratio) for each case and role."""
    from django.test import Client

    from gongjian.lib.testing import sign_in
    from gongjian.orgs.models import Organization, pinyin_keys

    sample = Organization.objects.filter(sector="enterprise", parent__isnull=True).order_by("-pk").values_list("name", flat=True)[100]
    initials = pinyin_keys(sample)[0][:6]
    cases = [
        ("directory filtered", "/orgs/?sector=enterprise", "/bench/plain/?sector=enterprise"),
        ("directory searched (initials)", f"/orgs/?q={initials}", f"/bench/plain/?q={initials}"),
        ("directory searched (name)", "/orgs/?q=智能装备", "/bench/plain/?q=智能装备"),
        ("API list", "/api/v1/orgs/organizations/?sector=enterprise", "/bench/plain-api/?sector=enterprise"),
    ]
    results = []
    for role, user in roles.items():
        client = sign_in(Client(), user)
        for label, url, plain in cases:
            # Blocks of page and plain requests take turns, so a slow spell of the machine falls
            # on both; the ratio is the median of the rounds' ratios.
            rounds = [(timed(client, url, args.requests), timed(client, plain, args.requests)) for _ in range(args.rounds)]
            page_ms = statistics.median(page for page, _ in rounds)
            plain_ms = statistics.median(base for _, base in rounds)
            results.append((role, label, page_ms, plain_ms, statistics.median(page / base for page, base in rounds)))
            print(f"  {role:15} {label:30} {page_ms:8.1f} ms  plain {plain_ms:8.1f} ms", flush=True)
    return results


def page_figures(client, url, n):
    """(status, size in bytes, median ms) of ``url`` after one warm-up."""
    response = client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return response.status_code, len(response.content), statistics.median(times) if times else 0.0


def menu_pages(user):
    """Every link of the user's menu and every "new" form: the menu's pages, and the create
    links they show."""
    import re

    from django.test import Client

    from gongjian.lib.navigation import menu_for
    from gongjian.lib.testing import sign_in

    urls = [url for _key, _label, items in menu_for(user) for _name, url in items]
    client = sign_in(Client(), user)
    forms = set()
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            forms.update(re.findall(r'href="(/[^"?#]*/(?:new|add|create)/)"', response.content.decode()))
    return list(dict.fromkeys(urls)) + sorted(forms - set(urls))


def walk_pages(roles, n):
    from django.test import Client

    from gongjian.lib.testing import sign_in

    rows = []
    for role, user in roles.items():
        client = sign_in(Client(), user)
        for url in menu_pages(user):
            status, size, ms = page_figures(client, url, n)
            rows.append((role, url, status, size, ms))
            print(f"  {role:15} {url:40} {status} {size / 1024:9.1f} KB {ms:9.0f} ms", flush=True)
    return rows


# --- Import throughput ----------------------------------------------------------------------


def import_sheet(n, rng) -> bytes:
    from openpyxl import Workbook

    from gongjian.orgs.models import Organization
    from gongjian.orgs.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    parents = list(Organization.objects.filter(parent__isnull=True, kind="committee").order_by("pk").values_list("name", flat=True)[:200])
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["名称", "简称", "类别", "组织类型", "上级组织", "所在区域", "地址", "统一社会信用代码", "能力标签", "联系人", "联系电话", "状态"]
    )
    for i in range(n):
        body = "91310117" + "".join(CREDIT_CODE_ALPHABET[(i * 7919 + 13) // 31**k % 31] for k in range(9))
        word = rng.choice(COMPANY_WORDS)
        ws.append(
            [
                f"上海{word}{rng.choice(INDUSTRIES)}有限公司导入{i}号党支部",
                f"{word}{i}" if i % 3 == 0 else "",
                "企业",
                "党支部",
                rng.choice(parents),
                f"上海市/松江区/{rng.choice(STREET_WORDS)}街道",
                f"上海市松江区某路{i}号",
                body + credit_code_check_char(body),
                "、".join(rng.sample(TAGS, 2)),
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                f"1390{i:07d}",
                "正常",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def measure_import(args, admin, rng):
    """Cold: a fresh importer checks and writes the sheet. Confirm: the same sheet again right after its
    preview, as when a user confirms (pinyin of the previewed names is remembered). Both rolled back."""
    from django.db import transaction

    from gongjian.imports.importers import OrganizationImporter, cached_pinyin_keys
    from gongjian.orgs.models import Region

    # Region paths in the sheet must exist; the loader made streets under 松江区 from the same words.
    district = Region.objects.get(name="松江区")
    for word in STREET_WORDS:
        Region.objects.get_or_create(name=f"{word}街道", parent=district, defaults={"level": 3})
    data = import_sheet(args.import_rows, rng)
    cached_pinyin_keys.cache_clear()
    figures = {}
    for label in ("cold", "confirm"):
        with transaction.atomic():
            importer = OrganizationImporter(admin)
            started, cpu = time.perf_counter(), time.process_time()
            plan = importer.plan(io.BytesIO(data))
            planned = time.perf_counter()
            assert plan.is_valid, plan.errors[:5]
            counts = importer.write(plan, actor=admin)
            written = time.perf_counter()
            figures[label] = (planned - started, written - planned, time.process_time() - cpu)
            transaction.set_rollback(True)  # leave the loaded database as it was
        assert counts["create"] == args.import_rows, counts
    return figures


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    configure(args)
    rng = random.Random(20250301)
    load(args, rng)
    install_urlconf()

    from django.test import Client

    from gongjian.accounts.models import User
    from gongjian.lib.testing import sign_in
    from gongjian.orgs.models import Organization

    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_alliance_admin": True, "must_change_password": False})
    org_admin = district_admin()
    subtree = Organization.objects.visible_to(org_admin).count()
    seed_needs(5000, rng)
    roles = {"alliance admin": admin, "org admin": org_admin}

    print(f"{args.orgs:,} organizations, {args.people:,} people; the org admin's subtree: {subtree:,} organizations")
    print(f"median of {args.requests} requests per URL, {args.rounds} rounds")
    results = measure_against_plain(args, roles)

    needs = []
    for role, user in roles.items():
        client = sign_in(Client(), user)
        for url in ("/exchange/needs/", "/exchange/needs/new/"):
            status, size, ms = page_figures(client, url, args.requests)
            needs.append((role, url, status, size, ms))
    walked = walk_pages(roles, args.walk_requests)

    imports = measure_import(args, admin, rng)
    plain_s, write_s, _cpu = imports["cold"]
    rows_per_s = args.import_rows / (plain_s + write_s)

    print()
    print(f"{'role':15} {'case':32} {'page ms':>9} {'plain ms':>9} {'ratio':>6}")
    for role, label, page_ms, plain_ms, ratio in results:
        print(f"{role:15} {label:32} {page_ms:9.1f} {plain_ms:9.1f} {ratio:6.2f}")
    print()
    for role, url, status, size, ms in needs:
        print(f"{role:15} {url:32} status {status}  {size / 1024:7.1f} KB  {ms:7.1f} ms")
    print()
    print(f"{len(walked)} menu pages and new forms walked ({len({url for _r, url, *_ in walked})} URLs, both roles)")
    failed = [row for row in walked if row[2] != 200]
    for role, url, status, _size, _ms in failed:
        print(f"  not 200: {role} {url} -> {status}")
    ok = [row for row in walked if row[2] == 200]
    by_size, by_time = max(ok, key=lambda row: row[3]), max(ok, key=lambda row: row[4])
    print(f"  worst by size: {by_size[1]} ({by_size[0]}) {by_size[3] / 1024:.1f} KB, {by_size[4]:.0f} ms")
    print(f"  worst by time: {by_time[1]} ({by_time[0]}) {by_time[3] / 1024:.1f} KB, {by_time[4]:.0f} ms")
    over = [row for row in ok if row[3] > 300 * 1024 or row[4] > 1000]
    for role, url, _status, size, ms in over:
        print(f"  over 300 KB or 1 s: {role} {url} {size / 1024:.1f} KB {ms:.0f} ms")
    print()
    for label, (check, write, cpu) in imports.items():
        wall = check + write
        print(
            f"import of {args.import_rows:,} organization rows ({label}): check {check:.2f} s + write {write:.2f} s"
            f" = {args.import_rows / wall:,.0f} rows/s (process CPU {cpu:.2f} s = {args.import_rows / cpu:,.0f} rows/s)"
        )
    alliance = [row for row in results if row[0] == "alliance admin"]
    directory_vs_plain = max(ratio for _role, label, *_rest, ratio in alliance if label.startswith("directory"))
    api_vs_plain = max(ratio for _role, label, *_rest, ratio in alliance if label.startswith("API"))
    orgadmin_vs_plain = max(ratio for role, *_rest, ratio in results if role == "org admin")
    needs_kb = max(size for *_rest, size, _ms in needs) / 1024
    needs_ms = max(ms for *_rest, ms in needs)
    print(
        f"RESULT directory_vs_plain={directory_vs_plain:.2f} api_vs_plain={api_vs_plain:.2f} orgadmin_vs_plain={orgadmin_vs_plain:.2f}"
        f" needs_page_kb={needs_kb:.0f} needs_page_ms={needs_ms:.0f} import_rows_per_s={rows_per_s:.0f}"
    )


if __name__ == "__main__":
    main()
