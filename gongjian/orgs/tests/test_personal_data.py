"""Phone and ID numbers at rest: ciphertext in the database, found and kept unique through their keyed hashes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from gongjian.lib.crypto import lookup_hash
from gongjian.orgs.models import Person

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
ID_NUMBER = "11010519491231002X"


def raw_row(table, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def cleaned(person):
    person.full_clean()
    person.save()
    return person


class TestAtRest:
    def test_it_stores_an_id_number_as_ciphertext_beside_its_hash(self, world):
        person = cleaned(Person(name="张三", id_number=ID_NUMBER.lower()))
        stored, stored_hash = raw_row("orgs_person", person.pk, "id_number", "id_number_hash")
        assert ID_NUMBER not in stored.upper() and "19491231" not in stored
        assert stored_hash == lookup_hash(ID_NUMBER)
        assert Person.objects.get(pk=person.pk).id_number == ID_NUMBER  # upper-cased by clean()

    def test_it_gives_the_same_number_a_different_ciphertext_each_time(self, world):
        first = Person.objects.create(name="甲", phone=PHONE)
        first_ciphertext = raw_row("orgs_person", first.pk, "phone")[0]
        first.save()
        assert raw_row("orgs_person", first.pk, "phone")[0] != first_ciphertext
        assert Person.objects.get(pk=first.pk).phone == PHONE

    def test_it_stores_an_organizations_contact_phone_as_ciphertext(self, world):
        world.foreign_org.contact_phone = "021-57890000"
        world.foreign_org.save()
        (stored,) = raw_row("orgs_organization", world.foreign_org.pk, "contact_phone")
        assert "57890000" not in stored
        world.foreign_org.refresh_from_db()
        assert world.foreign_org.contact_phone == "021-57890000"

    def test_it_stores_no_ciphertext_and_no_hash_for_an_empty_number(self, world):
        person = Person.objects.create(name="无号码")
        assert raw_row("orgs_person", person.pk, "phone", "phone_hash", "id_number", "id_number_hash") == ("", "", "", "")

    def test_it_drops_the_hash_when_a_number_is_cleared(self, world):
        person = Person.objects.create(name="甲", phone=PHONE)
        person.phone = ""
        person.save()
        assert raw_row("orgs_person", person.pk, "phone", "phone_hash") == ("", "")
        cleaned(Person(name="乙", phone=PHONE))  # the number is free again


class TestUniqueness:
    def test_it_refuses_a_phone_another_person_has_however_it_is_written(self, world):
        Person.objects.create(name="甲", phone=PHONE)
        with pytest.raises(ValidationError) as error:
            cleaned(Person(name="乙", phone="138 0013-8000"))
        assert error.value.message_dict == {"phone": ["已有其他人使用此手机号码。"]}

    def test_it_refuses_an_id_number_another_person_has_whatever_the_case_of_its_x(self, world):
        cleaned(Person(name="甲", id_number=ID_NUMBER))
        with pytest.raises(ValidationError) as error:
            cleaned(Person(name="乙", id_number=ID_NUMBER.lower()))
        assert error.value.message_dict == {"id_number": ["已有其他人使用此身份证号码。"]}

    def test_it_lets_a_person_keep_their_own_number(self, world):
        person = cleaned(Person(name="甲", phone=PHONE, id_number=ID_NUMBER))
        person.bio = "简介"
        cleaned(person)

    def test_it_is_refused_by_the_database_too(self, world):
        Person.objects.create(name="甲", phone=PHONE)
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.create(name="乙", phone=PHONE)

    def test_it_answers_a_duplicate_over_the_api_on_the_field(self, world, api_for):
        Person.objects.create(name="甲", phone=PHONE)
        response = api_for(world.org_admin).post(
            "/api/v1/orgs/people/", {"name": "乙", "phone": PHONE, "organization": str(world.own_branch.uuid)}, format="json"
        )
        assert (response.status_code, response.json()) == (400, {"phone": ["已有其他人使用此手机号码。"]})


class TestLookup:
    def test_it_finds_a_person_by_the_whole_number_only(self, world):
        person = Person.objects.create(name="张三", phone=PHONE)
        assert list(Person.objects.search(PHONE)) == [person]
        assert list(Person.objects.search(PHONE[:7])) == []  # no partial match on ciphertext

    def test_it_finds_by_phone_only_within_the_scope(self, world, client_for):
        world.outsider.person.phone = PHONE
        world.outsider.person.save()
        people = reverse("orgs:person_list")
        assert "街道管理员" not in client_for(world.org_admin).get(people, {"q": PHONE}).content.decode()
        assert "街道管理员" in client_for(world.alliance_admin).get(people, {"q": PHONE}).content.decode()
