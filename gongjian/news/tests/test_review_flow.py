"""The 三审 flow: every transition allowed and refused, by status and by person, through the model verbs."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from gongjian.audit.models import Action, Record
from gongjian.news.choices import ArticleStatus, Stage
from gongjian.news.models.articles import Article
from gongjian.news.models.history import ReviewStep
from gongjian.news.models.review_flow import PASSES, TRANSITIONS, USER_TRANSITIONS
from gongjian.notifications.models import Notification

from .article_helpers import BLOCK_TEXT, PATHS, REVIEW_TEXT, at_status, call, make_article, published

S = ArticleStatus
ALL_STATUSES = list(S)
VERBS = [name for name in TRANSITIONS if name != "hold"]  # holding is the scan's, tested below
ALLOWED = [(name, status) for name in VERBS for status in TRANSITIONS[name].sources]
REFUSED = [(name, status) for name in VERBS for status in ALL_STATUSES if status not in TRANSITIONS[name].sources]


def test_it_has_a_table_covering_the_documented_flow():
    chain = [TRANSITIONS[name] for name in ("submit", "pass_first", "pass_second", "publish")]
    assert [(t.sources[0], t.target) for t in chain] == [
        (S.DRAFT, S.FIRST_REVIEW),
        (S.FIRST_REVIEW, S.SECOND_REVIEW),
        (S.SECOND_REVIEW, S.FINAL_REVIEW),
        (S.FINAL_REVIEW, S.PUBLISHED),
    ]
    assert TRANSITIONS["schedule"].target == S.SCHEDULED and S.SCHEDULED in TRANSITIONS["publish"].sources
    assert set(TRANSITIONS["send_back"].sources) == {S.FIRST_REVIEW, S.SECOND_REVIEW, S.FINAL_REVIEW}
    assert {TRANSITIONS[n].actor for n in ("release", "reject", "take_offline", "restore")} == {"security"}
    assert "hold" not in USER_TRANSITIONS and set(USER_TRANSITIONS) == set(VERBS)
    # Every status is reachable, and only a draft is edited.
    assert {t.target for t in TRANSITIONS.values() if t.target} | {S.DRAFT, S.HELD} == set(ALL_STATUSES)


@pytest.mark.parametrize(("name", "status"), ALLOWED)
def test_it_allows_each_transition_from_its_sources(newsroom, name, status):
    article = at_status(newsroom, status)
    who = newsroom.security if TRANSITIONS[name].actor == "security" else newsroom.final
    if name in ("submit", "reopen"):
        who = newsroom.author
    steps = article.steps.count()
    call(article, name, who)
    article.refresh_from_db()
    expected = TRANSITIONS[name].target or article.steps.last().to_status
    assert article.status == expected
    step = article.steps.last()
    assert (step.decision, step.from_status, step.to_status, step.reviewer) == (name, status, expected, who)
    assert article.steps.count() == steps + 1


@pytest.mark.parametrize(("name", "status"), REFUSED)
def test_it_refuses_each_transition_from_other_statuses(newsroom, name, status):
    article = at_status(newsroom, status)
    steps = article.steps.count()
    who = newsroom.security if TRANSITIONS[name].actor == "security" else newsroom.final
    with pytest.raises(ValidationError) as error:
        call(article, name, who)
    assert error.value.code == "illegal_transition"
    assert str(TRANSITIONS[name].label) in error.value.messages[0]
    article.refresh_from_db()
    assert article.status == status and article.steps.count() == steps


# Who may take which transition of a branch article written by a member of the branch. "first" is
# the branch's admin, "second" the college 党委's admin (the parent, also the tree's root), "final"
# an alliance admin; reviewers are the people who passed the earlier stages on the way there.
PEOPLE_MATRIX = """
    transition    status         author  first  second  final  security  outsider
    submit        draft          yes     yes    yes     yes    no        no
    pass_first    first_review   no      yes    yes     yes    no        no
    pass_second   second_review  no      no     yes     yes    no        no
    publish       final_review   no      no     no      yes    no        no
    schedule      final_review   no      no     no      yes    no        no
    publish       scheduled      no      no     yes     yes    no        no
    send_back     first_review   no      yes    yes     yes    no        no
    send_back     second_review  no      no     yes     yes    no        no
    send_back     final_review   no      no     yes     yes    no        no
    release       held           no      no     no      no     yes       no
    reject        held           no      no     no      no     yes       no
    withdraw      published      no      yes    yes     yes    no        no
    withdraw      scheduled      no      yes    yes     yes    no        no
    correct       published      no      no     yes     yes    no        no
    take_offline  published      no      no     no      no     yes       no
    restore       offline        no      no     no      no     yes       no
    reopen        rejected       yes     yes    yes     yes    no        no
    reopen        withdrawn      yes     yes    yes     yes    no        no
    reopen        offline        yes     yes    yes     yes    no        no
"""


def people_cells():
    lines = [line.split() for line in PEOPLE_MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return [(row[0], row[1], person, answer == "yes") for row in rows for person, answer in zip(header[2:], row[2:], strict=True)]


def test_it_covers_every_user_transition_in_the_people_matrix():
    assert {cell[0] for cell in people_cells()} == set(USER_TRANSITIONS)


@pytest.mark.parametrize(("name", "status", "person", "allowed"), people_cells(), ids=lambda v: str(v))
def test_it_lets_only_the_right_people_take_each_step(newsroom, name, status, person, allowed):
    article = at_status(newsroom, status)
    user = newsroom.world.outsider if person == "outsider" else newsroom.people[person]
    assert article.may(user, name) is allowed
    steps = article.steps.count()
    if allowed:
        call(article, name, user)
        article.refresh_from_db()
        assert article.steps.count() == steps + 1 and article.steps.last().reviewer == user
    else:
        with pytest.raises(PermissionDenied):
            call(article, name, user)
        article.refresh_from_db()
        assert article.status == status and article.steps.count() == steps


def test_it_never_lets_the_author_review_even_with_every_right(newsroom):
    # The alliance admin holds every stage; writing the article rules them out of reviewing it.
    article = make_article(newsroom, author=newsroom.final)
    article.submit(newsroom.final)
    with pytest.raises(PermissionDenied) as error:
        article.pass_first(newsroom.final)
    assert "own" in str(error.value) or "自己" in str(error.value)
    for name in ("pass_first", "send_back"):
        assert not article.may(newsroom.final, name)


def test_it_lets_one_person_pass_only_one_stage_per_round(newsroom):
    # org_admin may take every stage of a branch article, but only one of them per round.
    article = at_status(newsroom, S.FIRST_REVIEW)
    article.pass_first(newsroom.second)
    assert not article.may(newsroom.second, "pass_second")
    with pytest.raises(PermissionDenied):
        article.pass_second(newsroom.second)
    article.pass_second(newsroom.final)
    assert not article.may(newsroom.final, "publish") and not article.may(newsroom.second, "publish")
    # Returning is no pass: the 初审 reviewer may still send it back from 终审.
    assert article.may(newsroom.second, "send_back")
    article.send_back(newsroom.second, comment="数据需再核对")
    # A new round: the same person may now take another stage.
    article.submit(newsroom.author)
    article.pass_first(newsroom.first)
    article.pass_second(newsroom.second)
    assert article.may(newsroom.final, "publish")
    assert article.review_round == 2


def test_it_counts_three_different_people_on_every_published_article(newsroom):
    article = published(newsroom)
    passes = list(article.steps.filter(decision__in=PASSES).values_list("stage", "reviewer_id"))
    assert [stage for stage, _ in passes] == [Stage.FIRST, Stage.SECOND, Stage.FINAL]
    assert len({reviewer for _, reviewer in passes} | {article.author_id}) == 4


def test_it_records_reviewer_time_and_comment_of_each_step(newsroom):
    article = make_article(newsroom)
    before = timezone.now()
    article.submit(newsroom.author, comment="请审核")
    article.pass_first(newsroom.first, comment="  事实准确  ")
    step = article.steps.get(decision="pass_first")
    assert (step.stage, step.reviewer, step.comment, step.round) == (Stage.FIRST, newsroom.first, "事实准确", 1)
    assert before <= step.created_at <= timezone.now()
    records = Record.objects.filter(object_type="news.article", object_id=str(article.pk), action=Action.UPDATE)
    assert any(r.changes.get("status") == [S.FIRST_REVIEW, S.SECOND_REVIEW] and r.actor == newsroom.first for r in records)


def test_it_needs_a_reason_to_send_back_reject_withdraw_and_take_offline(newsroom):
    article = at_status(newsroom, S.FIRST_REVIEW)
    with pytest.raises(ValidationError) as error:
        article.send_back(newsroom.first, comment="  ")
    assert "comment" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).status == S.FIRST_REVIEW
    article.send_back(newsroom.first, comment="标题需修改")
    article.refresh_from_db()
    assert (article.status, article.status_note) == (S.DRAFT, "标题需修改")
    assert Notification.objects.filter(recipient=newsroom.author, kind="news_returned").exists()


def test_it_compares_and_sets_so_a_stale_copy_cannot_move_the_article(newsroom):
    article = at_status(newsroom, S.FIRST_REVIEW)
    stale = Article.objects.get(pk=article.pk)
    article.pass_first(newsroom.first)
    with pytest.raises(ValidationError) as error:
        stale.send_back(newsroom.second, comment="过时的页面")
    assert error.value.code == "conflict"
    assert Article.objects.get(pk=article.pk).status == S.SECOND_REVIEW
    assert not ReviewStep.objects.filter(article=article, decision="send_back").exists()


def test_it_refuses_to_edit_anything_but_a_draft(newsroom):
    article = at_status(newsroom, S.FIRST_REVIEW)
    article.title = "审核中偷偷改标题"
    with pytest.raises(ValidationError):
        article.full_clean()
    # A form opened while it was a draft and saved after it was submitted changes nothing.
    stale = Article.objects.get(pk=article.pk)
    stale.status = S.DRAFT
    stale.title = "改过的标题"
    with pytest.raises(ValidationError):
        stale.save()
    assert Article.objects.get(pk=article.pk).title == "示例学院开展理论联学"


def test_it_tells_the_next_stage_s_reviewers(newsroom):
    article = make_article(newsroom)
    article.submit(newsroom.author)
    assert Notification.objects.filter(recipient=newsroom.first, kind="news_review_needed").exists()
    assert not Notification.objects.filter(recipient=newsroom.author, kind="news_review_needed").exists()
    article.pass_first(newsroom.first)
    assert Notification.objects.filter(recipient=newsroom.second, kind="news_review_needed").exists()
    article.pass_second(newsroom.second)
    assert Notification.objects.filter(recipient=newsroom.final, kind="news_review_needed").exists()


# --- The scan in the flow ---------------------------------------------------------------------------


def test_it_refuses_a_blocked_title_on_save_pointing_at_the_span(newsroom):
    article = Article(title=f"{BLOCK_TEXT}党委获评优秀共建党组织", summary="", body="<p>正文</p>", organization=newsroom.world.own_branch)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    messages = error.value.message_dict["title"]
    assert any(BLOCK_TEXT in m and "1–12" in m for m in messages)
    assert not Article.objects.exists()


def test_it_holds_a_review_finding_on_save_and_tells_the_security_admin(newsroom):
    article = make_article(newsroom, summary=REVIEW_TEXT)
    article.refresh_from_db()
    assert (article.status, article.held_from) == (S.HELD, S.DRAFT)
    assert article.findings and article.findings[0]["field"] == "summary"
    assert article.findings[0]["excerpt"] in REVIEW_TEXT
    step = article.steps.get()
    assert (step.decision, step.stage, step.reviewer) == ("hold", Stage.SECURITY, None)
    assert Notification.objects.filter(recipient=newsroom.security, kind="news_held").exists()


def test_it_holds_blocked_text_that_reaches_the_database_without_validation(newsroom):
    # An import or the shell skips full_clean(); save() still scans, and holds rather than loses it.
    article = Article(title=f"{BLOCK_TEXT}党委", organization=newsroom.world.own_branch, author=newsroom.author)
    article.save()
    article.refresh_from_db()
    assert article.status == S.HELD and article.findings[0]["verdict"] == "block"
    with pytest.raises(ValidationError):
        article.release(newsroom.security)  # blocked text cannot be released
    article.reject(newsroom.security, comment="疑似被篡改的标题")
    article.refresh_from_db()
    assert article.status == S.REJECTED


def test_it_releases_exactly_the_held_text(newsroom):
    article = make_article(newsroom, summary=REVIEW_TEXT)
    article.release(newsroom.security, comment="禁赌宣传，属正常内容")
    article.refresh_from_db()
    assert (article.status, article.findings, article.held_from) == (S.DRAFT, [], "")
    # The released text passes the scan on submit now...
    assert article.submit(newsroom.author).name == "submit"
    article.send_back(newsroom.first, comment="补充一句")
    # ... but changed text is scanned afresh and held again.
    article.summary = REVIEW_TEXT + "，又一处"
    article.full_clean()
    article.save()
    article.refresh_from_db()
    assert article.status == S.HELD


def test_it_refuses_a_block_on_submit_and_holds_a_review_before_publishing(newsroom, monkeypatch):
    article = at_status(newsroom, S.FINAL_REVIEW)
    # The term list grew after 初审: publishing scans again and holds the article where it was.
    from gongjian.news.models import SafetyTerm

    SafetyTerm.objects.create(term="理论联学", tier="review", category="other")
    done = article.publish(newsroom.final)
    article.refresh_from_db()
    assert done.name == "hold" and (article.status, article.held_from) == (S.HELD, S.FINAL_REVIEW)
    article.release(newsroom.security)
    article.refresh_from_db()
    assert article.status == S.FINAL_REVIEW
    assert article.publish(newsroom.final).name == "publish"
    # Blocked words on submit: refused, the draft stays a draft.
    draft = make_article(newsroom, title="示例学院新闻")
    Article.objects.filter(pk=draft.pk).update(body=f"<p>{BLOCK_TEXT}</p>")
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        draft.submit(newsroom.author)
    assert error.value.error_list[0].code == "blocked" and BLOCK_TEXT in error.value.messages[0]
    assert Article.objects.get(pk=draft.pk).status == S.DRAFT


# --- Publishing, scheduling, withdrawing, correcting ------------------------------------------------------


def test_it_publishes_a_sealed_first_version(newsroom):
    article = published(newsroom)
    version = article.versions.get()
    assert (version.number, version.title, version.body, version.published_by) == (1, article.title, article.body, newsroom.final)
    assert article.version == 1 and article.published_at is not None
    assert version.seal and version.prev_seal == ""
    assert Record.objects.filter(action=Action.PUBLISH, object_id=str(article.pk)).exists()


def test_it_schedules_only_in_the_future(newsroom):
    article = at_status(newsroom, S.FINAL_REVIEW)
    with pytest.raises(ValidationError) as error:
        article.schedule(newsroom.final, publish_at=timezone.now() - timedelta(minutes=1))
    assert "publish_at" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).status == S.FINAL_REVIEW


def test_it_publishes_scheduled_articles_when_due(newsroom):
    due = at_status(newsroom, S.SCHEDULED)
    later = at_status(newsroom, S.SCHEDULED, title="下周发布的稿件")
    when = timezone.now() - timedelta(minutes=5)
    Article.objects.filter(pk=due.pk).update(publish_at=when)
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.published_at, due.publish_at) == (S.PUBLISHED, when, None)
    assert due.versions.get().published_by is None and due.steps.last().reviewer is None
    assert later.status == S.SCHEDULED
    assert "published 1, held 0" in out.getvalue()
    # Idempotent: a second run publishes nothing more.
    call_command("publish_scheduled", stdout=io.StringIO())
    assert due.versions.count() == 1


def test_it_holds_a_scheduled_article_the_scan_now_flags(newsroom):
    article = at_status(newsroom, S.SCHEDULED)
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1), body=f"<p>{BLOCK_TEXT}</p>")
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    article.refresh_from_db()
    assert (article.status, article.held_from) == (S.HELD, S.SCHEDULED)
    assert "published 0, held 1" in out.getvalue()
    assert Notification.objects.filter(recipient=newsroom.security, kind="news_held").exists()


def test_it_withdraws_with_a_reason(newsroom):
    article = published(newsroom)
    article.withdraw(newsroom.first, comment="活动时间有误，撤稿")
    article.refresh_from_db()
    assert (article.status, article.status_note) == (S.WITHDRAWN, "活动时间有误，撤稿")
    assert article.versions.count() == 1  # history stays


def test_it_publishes_a_correction_as_a_new_chained_version(newsroom):
    article = published(newsroom)
    first_seal = article.versions.get().seal
    article.correct(
        newsroom.final,
        comment="更正：活动日期应为6月20日",
        title=article.title,
        summary=article.summary,
        body="<p>6月20日，联学活动举行。</p>",
    )
    article.refresh_from_db()
    assert (article.status, article.version, article.body) == (S.PUBLISHED, 2, "<p>6月20日，联学活动举行。</p>")
    second = article.versions.get(number=2)
    assert (second.correction_note, second.prev_seal) == ("更正：活动日期应为6月20日", first_seal)
    with pytest.raises(ValidationError):
        article.correct(newsroom.final, comment="更正", title=f"{BLOCK_TEXT}", summary="", body="")
    with pytest.raises(ValidationError):
        article.correct(newsroom.final, comment="", title="无说明的更正", summary="", body="")
    assert article.versions.count() == 2


def test_it_restores_and_reopens_an_offline_article_with_its_sealed_text(newsroom):
    article = at_status(newsroom, S.OFFLINE)
    sealed = article.versions.get()
    Article.objects.filter(pk=article.pk).update(body=f"<p>{BLOCK_TEXT}</p>")
    article.refresh_from_db()
    article.restore(newsroom.security, comment="已清除篡改")
    article.refresh_from_db()
    assert (article.status, article.body) == (S.PUBLISHED, sealed.body)
    article.take_offline(newsroom.security, comment="再次核查")
    Article.objects.filter(pk=article.pk).update(title="被改过的标题")
    article.refresh_from_db()
    article.reopen(newsroom.author)
    article.refresh_from_db()
    assert (article.status, article.title) == (S.DRAFT, sealed.title)


def test_it_archives_only_drafts_and_finished_articles(newsroom):
    article = published(newsroom)
    with pytest.raises(ValidationError):
        article.archive()
    article.withdraw(newsroom.first, comment="撤稿")
    article.archive()
    assert Article.objects.get(pk=article.pk).is_archived


def test_it_tells_the_paths_reach_every_status():
    assert set(PATHS) == set(ALL_STATUSES)
