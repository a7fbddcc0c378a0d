"""The content-safety scan's lists, seeded with a default that admins maintain afterwards.

The seed is frozen here rather than imported, so the migration stays what it was
when it ran. Brands are real words in many place names (永利路, 金沙滩, 银河街道),
so they are flagged only after a number or before 官网, 娱乐, 平台 and the like.
"""

import django.db.models.functions.text
import uuid
from django.db import migrations, models

# (term, kind, tier, category, note)
TERMS = [
    # Casino brands of the SEO injections ("77779193永利官网").
    *[(brand, "brand", "block", "gambling", "博彩品牌") for brand in (
        "永利", "金沙", "银河", "皇冠", "葡京", "威尼斯人", "太阳城", "美高梅", "新濠", "新濠天地", "巴黎人", "博狗", "伟德",
        "必发", "立博", "威廉希尔", "沙巴", "亚博", "金博宝", "乐鱼", "开云", "华体会", "九游会", "爱游戏", "米乐",
        "明升", "bet365",
    )],
    # Gambling advertising.
    *[(term, "term", "block", "gambling", "") for term in (
        "新葡京", "太阳城集团", "真人荷官", "网上真人", "娱乐城", "送彩金", "领彩金", "彩金优惠", "首存送", "首充送",
        "注册送", "注册就送", "开户送", "高额返水", "天天返水", "博彩官网", "博彩网址", "赌场官网", "赌场网址", "线上赌场", "在线赌场",
        "澳门赌场", "澳门博彩", "澳门葡京", "百家乐平台", "娱乐官网", "时时彩平台", "体育投注", "赌球网", "老虎机在线",
        "casino", "baccarat", "日出千万", "六合彩开奖", "六合彩资料", "六合彩特码", "一肖一码", "平特一肖",
    )],
    # Anti-gambling notices name gambling ("远离赌博", "警惕境外博彩平台"): those words are no terms.
    # These few are held for the security admin rather than refused.
    *[(term, "term", "review", "gambling", "") for term in ("百家乐", "时时彩", "北京赛车", "幸运飞艇", "老虎机", "外围投注")],
    # Pornography advertising.
    *[(term, "term", "block", "porn", "") for term in (
        "约炮", "一夜情", "援交", "外围女", "楼凤", "免费裸聊", "裸聊视频", "成人视频", "激情视频", "无码视频",
        "av女优", "黄色视频", "免费看片", "同城交友约", "小姐上门", "特殊服务上门",
    )],
    *[(term, "term", "review", "porn", "") for term in ("色情直播", "色情网站", "黄色网站", "成人网站")],
    # Fraud advertising.
    *[(term, "term", "block", "fraud", "") for term in (
        "日赚千元", "日入过万", "躺赚", "刷单兼职日结", "黑户可贷", "无视黑白户", "秒下款", "征信修复", "征信洗白",
        "代办假证", "办理假证", "高仿身份证", "收购银行卡", "出售银行卡", "出售公民信息", "代考包过",
    )],
    *[(term, "term", "review", "fraud", "") for term in ("稳赚不赔", "内幕消息", "保本高息")],
]

# Real names that look like the brands above.
PHRASES = [
    ("金沙滩", "社区、浴场"), ("金沙江", "河流"), ("金沙县", "贵州省毕节市"), ("金沙镇", "地名"), ("金沙路", "地名"),
    ("金沙洲", "地名"), ("金沙遗址", "成都"), ("永利路", "地名"), ("永利村", "地名"), ("永利街", "地名"),
    ("澳门大学", "高校"), ("澳门特别行政区", ""), ("皇冠假日", "酒店"), ("银河系", ""), ("银河街道", "地名"),
    ("银河证券", "企业"), ("银河麒麟", "操作系统"), ("银河小区", "地名"), ("银河路", "地名"), ("太阳城小区", "地名"),
    ("太阳城社区", "地名"), ("巴黎人民", ""), ("沙巴州", "马来西亚"), ("12345平台", "市民服务热线"),
    ("12345热线", "市民服务热线"), ("体育彩票", "国家公益彩票"), ("福利彩票", "国家公益彩票"),
]

DOMAINS = [
    ("gov.cn", "政府网站"), ("12371.cn", "共产党员网"), ("people.com.cn", "人民网"), ("xinhuanet.com", "新华网"),
    ("news.cn", "新华网"), ("qstheory.cn", "求是网"), ("cctv.com", "央视网"), ("chinadaily.com.cn", "中国日报网"),
    ("gmw.cn", "光明网"), ("youth.cn", "中国青年网"), ("wenming.cn", "中国文明网"), ("jfdaily.com", "解放日报"),
    ("shobserver.com", "上观新闻"), ("thepaper.cn", "澎湃新闻"), ("eastday.com", "东方网"), ("edu.cn", "高校"),
    ("mp.weixin.qq.com", "微信公众号文章"),
]


def seed(apps, schema_editor):
    SafetyTerm = apps.get_model("news", "SafetyTerm")
    AllowedPhrase = apps.get_model("news", "AllowedPhrase")
    AllowedDomain = apps.get_model("news", "AllowedDomain")
    for term, kind, tier, category, note in TERMS:
        SafetyTerm.objects.get_or_create(term=term, defaults={"kind": kind, "tier": tier, "category": category, "note": note, "uuid": uuid.uuid4()})
    for phrase, note in PHRASES:
        AllowedPhrase.objects.get_or_create(phrase=phrase, defaults={"note": note, "uuid": uuid.uuid4()})
    for domain, note in DOMAINS:
        AllowedDomain.objects.get_or_create(domain=domain, defaults={"note": note, "uuid": uuid.uuid4()})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AllowedDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('domain', models.CharField(error_messages={'unique': 'This domain is already on the list.'}, max_length=253, unique=True, verbose_name='domain')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'allowed domain',
                'verbose_name_plural': 'allowed domains',
                'ordering': ['domain'],
            },
        ),
        migrations.CreateModel(
            name='AllowedPhrase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('phrase', models.CharField(max_length=64, verbose_name='phrase')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'allowed phrase',
                'verbose_name_plural': 'allowed phrases',
                'ordering': ['phrase'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('phrase'), name='news_allowedphrase_unique_phrase', violation_error_message='This phrase is already on the list.')],
            },
        ),
        migrations.CreateModel(
            name='SafetyTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('term', models.CharField(max_length=64, verbose_name='term')),
                ('kind', models.CharField(choices=[('term', 'Term'), ('brand', 'Brand')], default='term', help_text='A brand is flagged only after a number or before 官网, 娱乐, 平台 and similar words.', max_length=8, verbose_name='kind')),
                ('tier', models.CharField(choices=[('block', 'Block'), ('review', 'Hold for review')], default='block', max_length=8, verbose_name='tier')),
                ('category', models.CharField(choices=[('gambling', 'Gambling'), ('porn', 'Pornography'), ('fraud', 'Fraud'), ('other', 'Other')], default='gambling', max_length=16, verbose_name='category')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'safety term',
                'verbose_name_plural': 'safety terms',
                'ordering': ['category', 'term'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('term'), name='news_safetyterm_unique_term', violation_error_message='This term is already on the list.'), models.CheckConstraint(condition=models.Q(('kind__in', ['term', 'brand'])), name='news_safetyterm_kind_valid'), models.CheckConstraint(condition=models.Q(('tier__in', ['block', 'review'])), name='news_safetyterm_tier_valid')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
