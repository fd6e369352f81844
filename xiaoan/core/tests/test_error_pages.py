"""Refusals and missing pages answer in the user's language, inside the site's frame."""

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.defaults import permission_denied


def test_refused_page_is_a_chinese_403_with_the_way_home(as_user, gov):
    response = as_user(gov).get(reverse("schools:create"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权操作" in page and 'href="/"' in page
    assert "Forbidden" not in page


def test_refusal_with_a_reason_shows_that_reason(rf, gov):
    request = rf.get("/")
    request.user = gov
    response = permission_denied(request, PermissionDenied("只有教育局安全科可以审核工作方案。"))
    page = response.content.decode()
    assert response.status_code == 403 and "只有教育局安全科可以审核工作方案。" in page


def test_missing_page_is_a_chinese_404(as_user, bureau_admin):
    response = as_user(bureau_admin).get("/hazards/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "Not Found" not in page


def test_missing_object_is_the_chinese_404_even_with_debug_on(as_user, bureau_admin, settings):
    settings.DEBUG = True  # the embedded demo runs with DEBUG
    response = as_user(bureau_admin).get("/hazards/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "Page not found at" not in page


def test_server_error_page_needs_no_request_and_is_in_chinese():
    page = render_to_string("500.html")
    assert "服务器出错" in page and "未保存任何数据" in page
