"""Every transition of the lifecycle table, allowed and refused, through the model verbs."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import TRANSITIONS, Agreement, AgreementEvent, AgreementParty, Obligation
from gongjian.audit.models import Action, Record

from .conftest import END, call, make_agreement

ALL_STATUSES = list(S)
ALLOWED = [(name, status) for name, t in TRANSITIONS.items() for status in t.sources]
REFUSED = [(name, status) for name, t in TRANSITIONS.items() for status in ALL_STATUSES if status not in t.sources]


def test_it_has_a_table_covering_the_documented_lifecycle():
    assert [TRANSITIONS[n].target for n in ("sign", "publish", "start_performing", "evaluate")] == [
        S.SIGNED,
        S.PUBLISHED,
        S.PERFORMING,
        S.EVALUATED,
    ]
    assert {TRANSITIONS[n].target for n in ("expire", "renew", "terminate")} == {S.EXPIRED, S.RENEWED, S.TERMINATED}
    # Nothing leaves a renewed or terminated agreement; an expired one can still be renewed.
    for final in (S.RENEWED, S.TERMINATED):
        assert not [t for t in TRANSITIONS.values() if final in t.sources]
    assert [t.name for t in TRANSITIONS.values() if S.EXPIRED in t.sources] == ["renew"]


@pytest.mark.parametrize(("name", "status"), ALLOWED)
def test_it_allows_each_transition_from_its_sources(world, at_status, name, status):
    agreement = at_status(status)
    call(agreement, name, world.org_admin)
    agreement.refresh_from_db()
    assert agreement.status == TRANSITIONS[name].target
    event = AgreementEvent.objects.filter(agreement=agreement).last()
    assert (event.from_status, event.to_status) == (status, TRANSITIONS[name].target)
    assert event.actor == world.org_admin


@pytest.mark.parametrize(("name", "status"), REFUSED)
def test_it_refuses_each_transition_from_other_statuses(world, at_status, name, status):
    agreement = at_status(status)
    events_before = AgreementEvent.objects.filter(agreement=agreement).count()
    with pytest.raises(ValidationError) as error:
        call(agreement, name, world.org_admin)
    agreement.refresh_from_db()
    assert agreement.status == status
    assert AgreementEvent.objects.filter(agreement=agreement).count() == events_before
    assert str(TRANSITIONS[name].label) in " ".join(error.value.messages)


def test_it_refuses_an_illegal_transition_in_chinese(world, draft):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        draft.publish(world.org_admin)
    assert "谈约" in error.value.messages[0]


def test_it_does_not_sign_with_one_party(world):
    agreement = make_agreement(world, parties=[(world.own_org, "提供设计服务")])
    with pytest.raises(ValidationError) as error:
        agreement.sign(world.org_admin)
    assert any("两方" in m or "two parties" in m for m in error.value.messages)
    assert Agreement.objects.get(pk=agreement.pk).status == S.DRAFT


def test_it_does_not_sign_while_a_party_has_no_obligation(world):
    agreement = make_agreement(world, parties=[(world.own_org, "提供设计服务"), (world.foreign_org, None)])
    with pytest.raises(ValidationError) as error:
        agreement.sign(world.org_admin)
    assert world.foreign_org.name in " ".join(error.value.messages)


def test_it_does_not_sign_without_a_term(world):
    agreement = make_agreement(world, start=None, end=None)
    with pytest.raises(ValidationError):
        agreement.sign(world.org_admin)
    assert Agreement.objects.get(pk=agreement.pk).status == S.DRAFT


def test_it_refuses_a_term_that_ends_before_it_starts(world, draft):
    draft.end_date = draft.start_date
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    assert "end_date" in error.value.message_dict


def test_it_signs_with_two_parties_obligations_and_a_term(world, draft):
    draft.sign(world.org_admin, signed_on=datetime.date(2025, 1, 2))
    draft.refresh_from_db()
    assert draft.status == S.SIGNED
    assert draft.signed_on == datetime.date(2025, 1, 2)
    assert draft.sign_problems() == []


def test_it_refuses_a_stale_instance(world, draft):
    """Compare-and-set: a second process holding the old status cannot move it again."""
    stale = Agreement.objects.get(pk=draft.pk)
    draft.sign(world.org_admin)
    stale.status = S.DRAFT
    with pytest.raises(ValidationError) as error:
        stale._move("sign", world.org_admin)
    assert error.value.code == "conflict"
    assert AgreementEvent.objects.filter(agreement=draft, to_status=S.SIGNED).count() == 1


def test_it_records_publishing_in_the_audit_trail(world, at_status):
    agreement = at_status(S.PUBLISHED)
    assert Record.objects.filter(action=Action.PUBLISH, object_type="agreements.agreement", object_id=str(agreement.pk)).exists()
    assert agreement.published_at is not None


def test_it_needs_a_reason_to_terminate(world, at_status):
    agreement = at_status(S.SIGNED)
    with pytest.raises(ValidationError) as error:
        agreement.terminate(world.org_admin, "  ")
    assert "reason" in error.value.message_dict
    agreement.terminate(world.org_admin, "对方单位撤并")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.termination_reason) == (S.TERMINATED, "对方单位撤并")


def test_it_freezes_the_text_once_signed(world, at_status):
    agreement = at_status(S.SIGNED)
    agreement.title = "改过的标题"
    with pytest.raises(ValidationError):
        agreement.full_clean()
    party = agreement.parties.first()
    with pytest.raises(ValidationError):
        Obligation(party=party, description="新增责任").full_clean()
    with pytest.raises(ValidationError):
        AgreementParty(agreement=agreement, organization=world.own_branch).full_clean()


class TestRenewal:
    def test_it_copies_parties_and_obligations_into_a_new_draft(self, world, at_status):
        old = at_status(S.EVALUATED)
        new_start, new_end = END + datetime.timedelta(days=1), END + datetime.timedelta(days=730)
        new = old.renew(world.org_admin, new_start, new_end)
        old.refresh_from_db()
        assert old.status == S.RENEWED
        assert (new.status, new.previous, new.start_date, new.end_date) == (S.DRAFT, old, new_start, new_end)
        assert (new.title, new.theme, new.track) == (old.title, old.theme, old.track)

        def content(agreement):
            return [(p.organization_id, p.role, [o.description for o in p.obligations.all()]) for p in agreement.parties.all()]

        assert content(new) == content(old)
        assert not new.parties.filter(pk__in=old.parties.values("pk")).exists()
        # The new term can be signed straight away.
        new.sign(world.org_admin)

    def test_it_leaves_ratings_and_attachments_with_the_old_term(self, world, at_status):
        old = at_status(S.EVALUATED)
        own, foreign = old.parties.order_by("order")
        old.rate(world.org_admin, own, foreign.obligations.first(), 4, "")
        new = old.renew(world.org_admin, END + datetime.timedelta(days=1), END + datetime.timedelta(days=30))
        assert old.rating_summary() and not new.rating_summary()

    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            (None, END + datetime.timedelta(days=30), "new_start"),
            (END + datetime.timedelta(days=30), END + datetime.timedelta(days=30), "new_end"),
            (END - datetime.timedelta(days=100), END + datetime.timedelta(days=300), "new_start"),
        ],
    )
    def test_it_refuses_a_bad_new_term(self, world, at_status, start, end, field):
        old = at_status(S.EVALUATED)
        with pytest.raises(ValidationError) as error:
            old.renew(world.org_admin, start, end)
        assert field in error.value.message_dict
        old.refresh_from_db()
        assert old.status == S.EVALUATED
        assert not old.renewals.exists()

    def test_it_renews_an_expired_agreement(self, world, at_status):
        old = at_status(S.EXPIRED)
        new = old.renew(world.org_admin, END + datetime.timedelta(days=1), END + datetime.timedelta(days=30))
        assert new.previous_id == old.pk
