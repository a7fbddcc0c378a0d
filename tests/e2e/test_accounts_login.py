"""An administrator's first login: forced password change, TOTP enrolment, home."""

import time

import pytest
from django_otp.oath import TOTP

from gongjian.lib.testing import PASSWORD

NEW_PASSWORD = "Songjiang-G60-Kechuang"


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db(transaction=True)
def test_it_walks_an_admin_through_password_change_and_totp_enrolment(page, live_server, login):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongjian.accounts.models import User
    from gongjian.audit.models import Action, Record
    from gongjian.lib.testing import make_user

    admin = make_user("sysadmin", admin_role="system")
    admin.must_change_password = True
    admin.save()

    login("SysAdmin", PASSWORD)
    page.wait_for_url("**/accounts/password/change/**")
    assert "管理员" in page.content()  # "An administrator set your password..."
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#main form button[type=submit]")

    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.locator("#totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert len(key) == 32
    page.fill("#id_token", current_code(device))
    page.click("#main form button[type=submit]")

    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("#recovery-continue")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("[data-menu=admin] a[href='/accounts/users/']").text_content() == "用户"

    admin = User.objects.get(pk=admin.pk)
    assert not admin.must_change_password
    assert TOTPDevice.objects.get(user=admin).confirmed
    actions = set(Record.objects.filter(object_id=str(admin.pk)).values_list("action", flat=True))
    assert {Action.LOGIN, Action.PASSWORD_CHANGE, Action.TWO_FACTOR} <= actions
