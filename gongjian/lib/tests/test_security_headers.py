import pytest
from django.core.exceptions import ImproperlyConfigured

from gongjian import settings as settings_module
from gongjian.lib.crypto import decrypt, encrypt, lookup_hash, mask


def test_it_sends_a_nonce_csp_and_frame_denial(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_uses_a_fresh_nonce_per_response(client, db):
    first = client.get("/accounts/login/")["Content-Security-Policy"]
    second = client.get("/accounts/login/")["Content-Security-Policy"]
    assert first != second


def test_it_marks_session_cookie_http_only(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_AGE <= 30 * 60


def test_it_rejects_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("GJ_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        settings_module.envbool("GJ_FLAG")


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("GJ_SECRET_FILE", str(secret))
    monkeypatch.setenv("GJ_SECRET", "from-env")
    assert settings_module.envstr("GJ_SECRET") == "from-file"


def test_it_encrypts_personal_data_with_a_stable_lookup_hash():
    token = encrypt("13800138000")
    assert "13800138000" not in token
    assert decrypt(token) == "13800138000"
    assert lookup_hash("13800138000") == lookup_hash(" 13800138000 ")
    assert lookup_hash("13800138000") != lookup_hash("13800138001")


def test_it_masks_phones_and_id_numbers():
    assert mask("13800138000") == "138****8000"
    assert mask("310101199001011234") == "3101**********1234"
    assert mask("") == ""


def test_it_stores_phones_encrypted_in_the_database(db):
    from django.db import connection

    from gongjian.orgs.models import Person

    person = Person.objects.create(name="张三", phone="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM orgs_person WHERE id = %s", [person.pk])
        stored, stored_hash = cursor.fetchone()
    assert "13800138000" not in stored
    assert stored_hash == lookup_hash("13800138000")
    assert Person.objects.get(pk=person.pk).phone == "13800138000"


def test_it_refuses_the_development_keys_in_a_deploy_check(settings):
    from gongjian.lib.checks import check_secrets

    ids = {error.id for error in check_secrets(None)}
    assert "gongjian.E001" in ids or not settings.SECRET_KEY.startswith(settings.INSECURE_KEY_PREFIX)
    settings.SECRET_KEY = "x" * 50
    settings.FIELD_ENCRYPTION_KEY = "y" * 40
    settings.AUDIT_HMAC_KEY = "z" * 40
    assert "gongjian.E002" in {error.id for error in check_secrets(None)}  # NEWS_SEAL_KEY is still the development key
    settings.NEWS_SEAL_KEY = "w" * 40
    assert not {"gongjian.E001", "gongjian.E002"} & {error.id for error in check_secrets(None)}


def test_it_ignores_forwarded_for_from_an_untrusted_peer(rf, settings):
    from gongjian.lib.middleware import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    proxied = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(proxied) == "198.51.100.7"
