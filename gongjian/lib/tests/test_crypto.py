"""lib.crypto: what a masked number still shows, what another key reads, and the keyed look-up hash."""

import pytest

from gongjian.lib.crypto import EncryptedTextField, decrypt, encrypt, lookup_hash, mask


class TestMask:
    @pytest.mark.parametrize(
        ("value", "masked"),
        [
            ("5789000", "5*****0"),  # a seven-digit desk line kept all its digits
            ("57890000", "57****00"),
            ("4008208820", "40******20"),
            ("12345", "1***5"),  # was "1232345": longer than the number and every digit in it
            ("1234", "****"),
            ("021-57890000", "021-****0000"),
        ],
    )
    def test_it_hides_most_of_a_number_shorter_than_a_mobile(self, value, masked):
        assert mask(value) == masked
        assert len(mask(value)) == len(value)

    @pytest.mark.parametrize("value", ["5789000", "57890000", "4008208820", "13800138000", "11010519491231002X"])
    def test_it_hides_at_least_a_third_of_any_number(self, value):
        assert mask(value).count("*") >= len(value) / 3
        assert mask(value) != value


class TestEncryption:
    def test_it_reads_nothing_from_a_token_of_another_key(self, settings):
        token = encrypt("13800138000")
        settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 40
        assert decrypt(token) == ""
        assert decrypt(encrypt("13800138000")) == "13800138000"

    @pytest.mark.parametrize("token", ["not-a-token", "gAAAAA", "13800138000"])
    def test_it_reads_a_damaged_or_plain_value_as_empty(self, token):
        assert decrypt(token) == ""

    def test_it_keeps_empty_values_empty(self):
        assert encrypt("") == "" and decrypt("") == ""
        field = EncryptedTextField()
        assert field.get_prep_value("") == "" and field.get_prep_value(None) == ""
        assert field.from_db_value(None, None, None) == ""

    def test_it_encrypts_chinese_text_too(self):
        assert decrypt(encrypt("党群服务中心 021-57890000")) == "党群服务中心 021-57890000"


class TestLookupHash:
    def test_it_ignores_case_and_surrounding_spaces(self):
        assert lookup_hash("11010519491231002x") == lookup_hash(" 11010519491231002X ")

    def test_it_is_empty_for_an_empty_value(self):
        assert lookup_hash("") == ""

    def test_it_depends_on_the_key_so_a_table_of_numbers_does_not_reverse_it(self, settings):
        before = lookup_hash("13800138000")
        settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 40
        assert lookup_hash("13800138000") != before
        assert len(before) == 64 and "13800138000" not in before
