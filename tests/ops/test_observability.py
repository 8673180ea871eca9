import json
import logging

import pytest

from egts.observability import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    response = client.get("/health/")
    assert len(response["X-Request-ID"]) == 32


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    kept = client.get("/health/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    replaced = client.get("/health/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("egts", logging.WARNING, __file__, 1, "Bonjour %s", ("EGTS",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Bonjour EGTS"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "-"
