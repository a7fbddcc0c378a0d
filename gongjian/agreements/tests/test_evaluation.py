"""评约: each party rates each other party's obligations 1–5 with a comment, once per party."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Rating


@pytest.fixture
def evaluated(at_status):
    agreement = at_status(S.EVALUATED)
    own, foreign = agreement.parties.order_by("order")
    return agreement, own, foreign


def test_it_records_a_rating_with_a_comment(world, evaluated):
    agreement, own, foreign = evaluated
    rating = agreement.rate(world.org_admin, own, foreign.obligations.first(), 5, " 场地保障到位 ")
    assert (rating.score, rating.comment, rating.rated_by, rating.rater) == (5, "场地保障到位", world.org_admin, own)


def test_it_revises_instead_of_duplicating(world, evaluated):
    agreement, own, foreign = evaluated
    obligation = foreign.obligations.first()
    agreement.rate(world.org_admin, own, obligation, 3, "一般")
    agreement.rate(world.org_admin, own, obligation, 4, "改进明显")
    assert list(Rating.objects.filter(obligation=obligation).values_list("score", "comment")) == [(4, "改进明显")]


def test_it_keeps_one_rating_per_party_and_obligation_in_the_database(world, evaluated):
    agreement, own, foreign = evaluated
    obligation = foreign.obligations.first()
    Rating.objects.create(obligation=obligation, rater=own, score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(obligation=obligation, rater=own, score=4)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_it_refuses_scores_outside_one_to_five(world, evaluated, score):
    agreement, own, foreign = evaluated
    with pytest.raises(ValidationError):
        agreement.rate(world.org_admin, own, foreign.obligations.first(), score)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", [0, 6])
def test_it_has_a_database_check_on_the_score(world, evaluated, score):
    agreement, own, foreign = evaluated
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(obligation=foreign.obligations.first(), rater=own, score=score)


def test_it_refuses_rating_your_own_obligations(world, evaluated):
    agreement, own, foreign = evaluated
    with pytest.raises(ValidationError) as error:
        agreement.rate(world.org_admin, own, own.obligations.first(), 5)
    assert "obligation" in error.value.message_dict


def test_it_refuses_rating_for_a_party_you_do_not_administer(world, evaluated):
    agreement, own, foreign = evaluated
    with pytest.raises(ValidationError):
        agreement.rate(world.org_admin, foreign, own.obligations.first(), 5)
    with pytest.raises(ValidationError):
        agreement.rate(world.member, own, foreign.obligations.first(), 5)
    assert not Rating.objects.exists()


def test_it_lets_the_other_party_rate_back(world, evaluated):
    agreement, own, foreign = evaluated
    agreement.rate(world.org_admin, own, foreign.obligations.first(), 4)
    agreement.rate(world.outsider, foreign, own.obligations.first(), 2, "进度偏慢")
    summary = agreement.rating_summary()
    assert summary[own.obligations.first().pk]["avg"] == 2
    assert summary[foreign.obligations.first().pk]["avg"] == 4


@pytest.mark.parametrize("status", [S.DRAFT, S.SIGNED, S.PUBLISHED, S.PERFORMING, S.TERMINATED])
def test_it_takes_ratings_only_during_evaluation(world, at_status, status):
    agreement = at_status(status)
    own, foreign = agreement.parties.order_by("order")
    with pytest.raises(ValidationError):
        agreement.rate(world.org_admin, own, foreign.obligations.first(), 4)


def test_it_refuses_a_party_of_another_agreement(world, evaluated, at_status):
    agreement, own, foreign = evaluated
    other = at_status(S.EVALUATED, title="另一份协议")
    other_own = other.parties.order_by("order").first()
    with pytest.raises(ValidationError):
        agreement.rate(world.org_admin, other_own, foreign.obligations.first(), 4)


def test_it_averages_over_raters(world, at_status):
    agreement = at_status(S.DRAFT)
    from gongjian.agreements.models import AgreementParty, Obligation

    third = AgreementParty.objects.create(agreement=agreement, organization=world.own_branch, order=2)
    Obligation.objects.create(party=third, description="派出学生志愿者")
    for verb in ("sign", "publish", "start_performing", "evaluate"):
        getattr(agreement, verb)(world.org_admin)
    own, foreign, branch = agreement.parties.order_by("order")
    target = foreign.obligations.first()
    agreement.rate(world.org_admin, own, target, 5)
    agreement.rate(world.org_admin, branch, target, 2)
    assert agreement.rating_summary()[target.pk] == {"obligation_id": target.pk, "avg": 3.5, "n": 2}
