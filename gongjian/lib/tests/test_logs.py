"""SECURITY.md item 16: no phone or ID number reaches the log, in a message or in a traceback."""

import io
import logging

import pytest
from django.test import Client

from gongjian.lib.logs import MaskPersonalData, mask_numbers


@pytest.fixture
def console():
    """The handler settings.LOGGING gives the root logger, writing to a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, MaskPersonalData) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_it_masks_phones_and_id_numbers():
    assert mask_numbers("手机 13812345678，身份证 31010119900101123X") == "手机 138******78，身份证 310*************3X"
    assert mask_numbers("第 123456 行") == "第 123456 行"  # six digits: a row number, not a person
    assert mask_numbers("/orgs/people/?q=13812345678&page=2") == "/orgs/people/?q=138******78&page=2"
    # A stored file's random hex name is not a person's number, even where it holds seven digits in a row.
    assert mask_numbers("agreements/8c8440a845054537970be2355e37a179.pdf") == "agreements/8c8440a845054537970be2355e37a179.pdf"


def test_it_masks_a_server_errors_message_and_traceback(console):
    try:
        raise ValueError('duplicate key value violates unique constraint DETAIL: Key (phone)=(13812345678) already exists.')
    except ValueError:
        logging.getLogger("django.request").error("Internal Server Error: %s", "/orgs/people/?q=13912345678", exc_info=True)
    written = console.getvalue()
    assert "Internal Server Error: /orgs/people/?q=139******78" in written
    assert "Key (phone)=(138******78)" in written
    assert "Traceback" in written
    assert "13812345678" not in written and "13912345678" not in written


@pytest.mark.django_db
def test_it_masks_the_path_django_logs_for_a_request_that_failed(console, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    # A 404 of a path that carries a phone number is logged as a warning by django.request.
    logging.getLogger("django.request").setLevel(logging.WARNING)
    try:
        Client().get("/no-such-page/13812345678/")
    finally:
        logging.getLogger("django.request").setLevel(logging.ERROR)
    written = console.getvalue()
    assert "/no-such-page/138******78/" in written
    assert "13812345678" not in written
