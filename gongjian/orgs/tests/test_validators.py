"""The validators of organizations and people, called directly: what they accept, what they refuse, and why."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongjian.orgs.forms import OrganizationForm
from gongjian.orgs.models import Organization
from gongjian.orgs.validators import (
    credit_code_check_char,
    validate_credit_code,
    validate_id_number,
    validate_mainland_phone,
    validate_public_contact,
)

# The example code of GB 32100-2015 and a registered company's code, with their published check characters.
PUBLISHED_CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L"]


def refusal(validator, value):
    with pytest.raises(ValidationError) as error:
        validator(value)
    return error.value.code, error.value.messages


class TestCreditCode:
    @pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES)
    def test_it_computes_the_published_check_character(self, code):
        assert credit_code_check_char(code[:17]) == code[17]
        validate_credit_code(code)

    def test_it_accepts_lower_case_and_surrounding_spaces(self):
        validate_credit_code(" 91350100m000100y43 ")

    def test_it_refuses_a_wrong_check_character_with_its_message(self):
        assert refusal(validate_credit_code, "91350100M000100Y44") == ("credit_code_checksum", ["统一社会信用代码校验位不正确。"])

    @pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "91350100I000100Y43", "91350100M0001-0Y43", ""])
    def test_it_refuses_a_wrong_length_or_a_letter_outside_the_alphabet(self, code):
        assert refusal(validate_credit_code, code) == (
            "credit_code_format",
            ["统一社会信用代码由 18 位数字或大写字母组成（不含 I、O、S、V、Z）。"],
        )


@pytest.mark.django_db
class TestCreditCodeUniqueness:
    DUPLICATE = ["已有其他组织使用此统一社会信用代码。"]

    @pytest.fixture
    def coded(self, world):
        world.own_org.credit_code = PUBLISHED_CREDIT_CODES[0]
        world.own_org.save()
        return world

    def test_it_lets_many_organizations_leave_it_blank(self, coded):
        Organization(name="无代码社会组织", sector="social", kind="branch", parent=coded.foreign_org).full_clean()
        coded.foreign_org.full_clean()

    def test_it_names_the_field_of_a_code_another_organization_has(self, coded):
        coded.foreign_org.credit_code = PUBLISHED_CREDIT_CODES[0].lower()
        with pytest.raises(ValidationError) as error:
            coded.foreign_org.full_clean()
        assert error.value.message_dict == {"credit_code": self.DUPLICATE}
        coded.own_org.full_clean()  # its own code is no duplicate

    def test_it_says_the_same_in_the_form_and_the_api(self, coded, api_for):
        data = {"name": coded.foreign_org.name, "sector": "government", "kind": "working_committee"}
        form = OrganizationForm(data={**data, "credit_code": PUBLISHED_CREDIT_CODES[0]}, instance=coded.foreign_org, user=coded.outsider)
        assert form.errors == {"credit_code": self.DUPLICATE}
        url = f"/api/v1/orgs/organizations/{coded.foreign_org.uuid}/"
        response = api_for(coded.outsider).patch(url, {"credit_code": PUBLISHED_CREDIT_CODES[0]}, format="json")
        assert (response.status_code, response.json()) == (400, {"credit_code": self.DUPLICATE})

    def test_it_is_refused_by_the_database_too(self, coded):
        coded.foreign_org.credit_code = PUBLISHED_CREDIT_CODES[0]
        with pytest.raises(IntegrityError), transaction.atomic():
            coded.foreign_org.save()


class TestMainlandPhone:
    @pytest.mark.parametrize("phone", ["", "13800138000", "138 0013 8000", "138-0013-8000", "021-57890000", "57890000", "4008208820"])
    def test_it_accepts_mobiles_and_desk_lines_with_separators(self, phone):
        validate_mainland_phone(phone)

    @pytest.mark.parametrize("phone", ["123456", "0215789000012", "1380013800O", "+8613800138000", "138.0013.8000"])
    def test_it_refuses_too_short_too_long_and_non_digits(self, phone):
        assert refusal(validate_mainland_phone, phone) == ("phone", ["请输入有效的电话号码，例如 13800138000 或 021-57890000。"])


class TestIdNumber:
    @pytest.mark.parametrize("number", ["", "11010519491231002X", "11010519491231002x", " 110101199003070134 "])
    def test_it_accepts_a_valid_id_whatever_the_case_of_its_x(self, number):
        validate_id_number(number)

    @pytest.mark.parametrize(
        "number",
        [
            "110105194912310021",  # the check character should be X
            "110101199003070135",  # off by one in the check digit
            "11010519491231002",  # 17 characters
            "110105491231002",  # an old 15-digit ID
            "1101051949123100XX",  # X only in the last place
        ],
    )
    def test_it_refuses_a_wrong_check_character_or_shape(self, number):
        assert refusal(validate_id_number, number) == ("id_number", ["身份证号码不是有效的 18 位居民身份证号码。"])


class TestPublicContact:
    @pytest.mark.parametrize(
        "value",
        [
            "",
            "党群服务中心（021）57890000",
            "021-57890000转8001",
            "021-57890000-8001",  # a desk line with its extension
            "邮编 201620，电话 021-57890000",
        ],
    )
    def test_it_accepts_office_lines(self, value):
        validate_public_contact(value)

    @pytest.mark.parametrize(
        "value",
        [
            "138 0013 8000",
            "138-0013-8000",
            "(+86)13800138000",
            "0086 13800138000",
            "8613800138000",
            "书记手机13800138000",
            "11010519491231002x",
            "110105 19491231 002X",
        ],
    )
    def test_it_refuses_mobiles_and_id_numbers_however_they_are_spaced(self, value):
        assert refusal(validate_public_contact, value) == (
            "public_contact_personal",
            ["请填写办公室或座机（如 党群服务中心 021-57890000），不要填写个人手机号或身份证号。"],
        )

    def test_it_does_not_take_a_longer_number_for_a_mobile(self):
        # Twelve digits beginning like a mobile are no mobile, and too short for an ID number.
        validate_public_contact("工号 138001380001")
