from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.accounts.validators import CharacterClassValidator
from gongjian.audit.models import Action, Outcome, Record
from gongjian.lib.testing import PASSWORD, make_user

from .helpers import newcomer

NEW_PASSWORD = "Songjiang-G60-Kechuang"
CHANGE = reverse("accounts:password_change")


def codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as e:
        return {error.code for error in e.error_list}
    return set()


@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab1!xyz", "password_too_short"),  # 7 characters
        ("abcdefghij", "password_character_classes"),  # one class
        ("abcdefgh12", "password_character_classes"),  # two classes
        ("Password1", "password_too_common"),  # three classes, but on the common list
        ("12345678901", "password_entirely_numeric"),
    ],
)
def test_it_rejects_weak_passwords(db, password, code):
    assert code in codes(password)


@pytest.mark.parametrize("password", ["Kxq7vbnm", "kxq7vbnm!", "KXQ7VBNM!", "Kxqvbnmz!", NEW_PASSWORD])
def test_it_accepts_three_of_four_classes_from_eight_characters(db, password):
    assert codes(password) == set()


def test_it_counts_character_classes():
    assert CharacterClassValidator.classes("abc") == 1
    assert CharacterClassValidator.classes("aB3") == 3
    assert CharacterClassValidator.classes("aB3 ") == 4
    assert CharacterClassValidator.classes("党建ab12") == 2  # Chinese characters form no class of their own


def test_it_hashes_with_argon2id(db, settings):
    from gongjian import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("hashed")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_it_keeps_login_names_unique_regardless_of_case(db):
    make_user("Zhang")
    with pytest.raises(ValidationError) as error:
        User(username="zhang", password="x").full_clean()
    assert "username" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ZHANG")


def test_it_forces_the_initial_password_change_before_anything_else(client, world):
    user = newcomer()
    client.force_login(user)
    for url in ("/", reverse("accounts:profile"), "/orgs/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(CHANGE)
    api = client.get("/api/v1/accounts/users/me/")
    assert api.status_code == 403
    assert api.json()["action"] == "password_change"
    assert client.get(CHANGE).status_code == 200


def test_it_refuses_the_api_token_of_an_account_that_owes_a_change(db):
    from gongjian.lib.testing import api_client_for

    user = newcomer("tokenowner")
    assert api_client_for(user).get("/api/v1/accounts/users/me/").status_code == 403


def test_it_clears_the_flag_and_records_the_change(client, db):
    user = newcomer()
    client.force_login(user)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "next": "/accounts/profile/"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)
    entry = Record.objects.get(action=Action.PASSWORD_CHANGE)
    assert entry.outcome == Outcome.SUCCESS
    assert entry.changes == {"reason": "initial"}
    assert NEW_PASSWORD not in entry.canonical().decode()
    # The session survives the change; the next page opens normally.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_it_refuses_a_weak_or_unchanged_new_password(client, db):
    user = newcomer()
    client.force_login(user)
    weak = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    same = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "new_password1" in same.context["form"].errors
    wrong_old = client.post(CHANGE, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "old_password" in wrong_old.context["form"].errors
    user.refresh_from_db()
    assert user.must_change_password
    assert Record.objects.filter(action=Action.PASSWORD_CHANGE, outcome=Outcome.FAILURE).count() == 3


def test_it_forces_a_change_when_the_password_expires(client, db, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = make_user("veteran")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(user)
    response = client.get("/")
    assert response.url.startswith(CHANGE)
    page = client.get(CHANGE)
    assert page.context["reason"] == "expired"
    client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get("/").status_code == 200


def test_it_does_not_expire_passwords_when_expiry_is_off(db, settings):
    settings.PASSWORD_EXPIRY_DAYS = 0
    user = make_user("veteran")
    user.password_changed_at = timezone.now() - timedelta(days=3650)
    assert not user.password_expired


def test_it_ends_other_sessions_of_the_account_after_a_change(client, db):
    from django.test import Client

    user = make_user("twodevices")
    other = Client()
    other.force_login(user)
    client.force_login(user)
    client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302


def test_it_answers_fragment_requests_without_the_password_page(client, db):
    client.force_login(newcomer())
    from_open_page = client.get("/notifications/badge/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver" + CHANGE)
    assert from_open_page.status_code == 204
    assert "HX-Redirect" not in from_open_page
    from_elsewhere = client.get("/notifications/badge/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/orgs/")
    assert from_elsewhere.status_code == 204
    assert from_elsewhere["HX-Redirect"].startswith(CHANGE)
