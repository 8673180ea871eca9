"""HTML and JSON leave the application compressed (a deployment without a tuned proxy too)."""

import gzip

import pytest
from django.urls import reverse

from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        lambda: reverse("home"),
        lambda: reverse("contributions:list"),
        lambda: "/api/v1/contributions/",
    ],
)
def test_pages_and_api_answers_are_gzipped_when_the_browser_accepts_it(client, path):
    ContributionFactory.create_batch(3, published=True)
    url = path()
    for attempt in ("miss", "hit"):  # a page served from the cache is compressed as well
        response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert response.status_code == 200, attempt
        assert response["Content-Encoding"] == "gzip", attempt
        assert "Accept-Encoding" in response["Vary"]
        plain = gzip.decompress(response.content)
        assert len(response.content) < len(plain) / 2
    assert "Content-Encoding" not in client.get(url).headers
