"""The API's one permission gate (egts/api_permissions.py): each view declares the rule of
each action, the class asks django-rules, and what is not declared is refused."""

import pytest
import rules
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from egts.api_permissions import RulesPermission, check_rule
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


@rules.predicate
def owns(user, item) -> bool:
    return item is not None and item["owner"] == user.pk


@pytest.fixture(autouse=True)
def test_rules():
    rules.add_perm("tests.read_item", rules.is_authenticated)
    rules.add_perm("tests.change_item", owns)
    rules.add_perm("tests.feature_item", rules.is_superuser)
    yield
    for name in ("tests.read_item", "tests.change_item", "tests.feature_item"):
        rules.remove_perm(name)


class ItemView(APIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "tests.read_item"}
    object_rules = {"post": "tests.change_item"}
    rule_messages = {"tests.change_item": "Seul son auteur modifie cet élément."}
    owner = None

    def get(self, request):
        return Response({"read": True})

    def post(self, request):
        self.check_object_permissions(request, {"owner": self.owner})
        if request.data.get("featured"):
            check_rule(request, "tests.feature_item", message="Réservé à l'équipe.")
        return Response({"changed": True})

    def delete(self, request):  # declared in neither map: closed
        return Response({"deleted": True})


class OpenView(APIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": None}

    def get(self, request):
        return Response({"open": True})


def _call(view, method, user=None, **kwargs):
    request = getattr(APIRequestFactory(), method)("/", format="json", **kwargs)
    if user is not None:
        force_authenticate(request, user=user)
    return view.as_view()(request)


def test_a_rule_of_none_is_open_to_anyone():
    assert _call(OpenView, "get").status_code == 200
    assert RulesPermission.is_open_to_all(OpenView(), "GET") is True
    assert RulesPermission.is_open_to_all(ItemView(), "GET") is False


def test_view_rule_refuses_the_anonymous_with_401_and_lets_the_signed_in_through():
    assert _call(ItemView, "get").status_code == 401
    response = _call(ItemView, "get", UserFactory())
    assert (response.status_code, response.data) == (200, {"read": True})


def test_head_follows_the_rule_of_get():
    assert _call(ItemView, "head").status_code == 401
    assert _call(ItemView, "head", UserFactory()).status_code == 200


def test_an_undeclared_action_is_refused():
    response = _call(ItemView, "delete", UserFactory(is_superuser=True))
    assert response.status_code == 403


def test_object_rule_asks_the_rule_with_the_object_and_says_why():
    author, other = UserFactory(), UserFactory()

    class AuthorsItem(ItemView):
        owner = author.pk

    refused = _call(AuthorsItem, "post", other, data={})
    assert refused.status_code == 403
    assert str(refused.data["detail"]) == "Seul son auteur modifie cet élément."
    assert _call(AuthorsItem, "post", author, data={}).data == {"changed": True}


def test_check_rule_refuses_what_only_the_body_asks_for():
    author = UserFactory()

    class AuthorsItem(ItemView):
        owner = author.pk

    refused = _call(AuthorsItem, "post", author, data={"featured": True})
    assert refused.status_code == 403
    assert str(refused.data["detail"]) == "Réservé à l'équipe."
    admin = UserFactory(is_superuser=True)

    class AdminsItem(ItemView):
        owner = admin.pk

    assert _call(AdminsItem, "post", admin, data={"featured": True}).status_code == 200
