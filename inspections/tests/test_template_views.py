"""The checklist pages: list, preview, download, import, publish, new version."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import ChecklistTemplate, Criterion, TemplateStatus
from units.roles import Role
from units.tests.factories import UserFactory

from .factories import ChecklistTemplateFactory, CriterionFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "checklist_cchc.yaml"


@pytest.fixture
def draft(db):
    return ChecklistTemplateFactory(draft=True, code="CCHC-DRAFT")


def _upload(content: bytes, name: str = "bo-tieu-chi.yaml"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# List


def test_anonymous_visitor_is_sent_to_login_from_the_checklists(client, db):
    response = client.get(reverse("inspections:template_list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_scheduler_sees_published_checklists_but_not_drafts(client, scheduler, template, draft):
    client.force_login(scheduler)

    response = client.get(reverse("inspections:template_list"))

    assert response.status_code == 200
    assert template.code in response.content.decode()
    assert "CCHC-DRAFT" not in response.content.decode()
    assert not response.context["can_import"]


def test_administrator_sees_drafts_and_may_import(client, administrator, template, draft):
    client.force_login(administrator)

    response = client.get(reverse("inspections:template_list"))

    assert "CCHC-DRAFT" in response.content.decode()
    assert response.context["can_import"]


def test_user_without_a_role_may_not_list_checklists(client, db):
    from units.tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("inspections:template_list")).status_code == 403


def test_checklist_list_queries_do_not_grow_with_versions(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    for _ in range(3):
        ChecklistTemplateFactory()
    with django_assert_max_num_queries(6):
        client.get(reverse("inspections:template_list"))
    for _ in range(20):
        ChecklistTemplateFactory()
    with django_assert_max_num_queries(6):
        client.get(reverse("inspections:template_list"))


# Preview


def test_inspector_previews_a_version_as_it_will_be_filled(client, inspector, template):
    client.force_login(inspector)

    response = client.get(reverse("inspections:template_preview", args=[template.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ban hành kế hoạch CCHC năm" in body
    assert "on_time &lt;= received" in body
    assert not response.context["can_publish"]
    assert "Publish (freeze)" not in body


def test_preview_for_a_unit_kind_shows_only_the_criteria_that_apply(client, inspector, template):
    criterion = Criterion.objects.get(domain__template=template, code="1.1")
    criterion.applies_to = ["department"]
    criterion.save(update_fields=["applies_to"])
    client.force_login(inspector)

    response = client.get(reverse("inspections:template_preview", args=[template.pk]), {"kind": "commune"})

    body = response.content.decode()
    assert "Ban hành kế hoạch CCHC năm" not in body
    assert "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn" in body


def test_a_draft_is_not_found_by_non_administrators(client, scheduler, draft):
    client.force_login(scheduler)

    assert client.get(reverse("inspections:template_preview", args=[draft.pk])).status_code == 404


def test_a_missing_version_is_not_found(client, administrator):
    client.force_login(administrator)

    assert client.get(reverse("inspections:template_preview", args=[999])).status_code == 404


# Download


def test_yaml_download_is_the_import_format(client, inspector, template):
    client.force_login(inspector)

    response = client.get(reverse("inspections:template_download", args=[template.pk, "yaml"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{template.code}-v1.0.yaml"'
    data = yaml.safe_load(response.content)
    assert data["template"]["code"] == template.code
    assert [c["code"] for c in data["domains"][0]["criteria"]] == ["1.1", "1.2"]


def test_xlsx_download_opens_as_a_workbook(client, inspector, template):
    client.force_login(inspector)

    response = client.get(reverse("inspections:template_download", args=[template.pk, "xlsx"]))

    book = load_workbook(io.BytesIO(response.content))
    assert book["Tiêu chí"]["B1"].value == "Mã tiêu chí"
    assert book["Tiêu chí"]["B2"].value == "1.1"


def test_an_unknown_download_format_is_not_found(client, inspector, template):
    client.force_login(inspector)

    assert client.get(reverse("inspections:template_download", args=[template.pk, "pdf"])).status_code == 404


# Import


@pytest.fixture(autouse=True)
def _private_var(settings, tmp_path):
    # Uploaded files wait for their import job under VAR_DIR/imports/: a throwaway folder per test.
    settings.VAR_DIR = tmp_path


def _import(client, data: dict):
    # The import is a background job queued after the commit (in-process here); its result page
    # follows it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("inspections:template_import"), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/inspections/templates/import/jobs/")
    return client.get(response["Location"])


def test_administrator_imports_a_checklist_file(client, administrator):
    client.force_login(administrator)

    page = _import(client, {"file": _upload(DATA.read_bytes()), "publish": "on"})

    template = ChecklistTemplate.objects.get()
    assert page.status_code == 200
    assert page.context["job"].state == "done"
    assert template.get_absolute_url() in page.content.decode()
    assert template.status == TemplateStatus.PUBLISHED
    assert template.created_by == administrator


def test_the_import_result_page_shows_progress_until_the_job_ran(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("inspections:template_import"), {"file": _upload(DATA.read_bytes())})

    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "<progress" in page
    assert not ChecklistTemplate.objects.exists()


def test_another_administrators_import_result_is_not_found(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("inspections:template_import"), {"file": _upload(DATA.read_bytes())})
    other = UserFactory(username="quantri2", roles=[Role.ADMIN], is_staff=True)
    client.force_login(other)

    assert client.get(response["Location"]).status_code == 404


def test_import_page_lists_every_error_and_imports_nothing(client, administrator):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["domains"][0]["criteria"][0]["max_score"] = "hai"
    data["domains"][5]["criteria"][1]["answer_kind"] = "essay"
    client.force_login(administrator)

    response = _import(client, {"file": _upload(yaml.safe_dump(data, allow_unicode=True).encode())})

    assert response.status_code == 200
    assert response.context["job"].result["errors"] == [
        "Criterion 1.1 (domain 1, item 1): “max_score” must be a number, not “hai”.",
        "Criterion 6.2 (domain 6, item 2): answer kind “essay” is not one of Chấm điểm (score), "
        "Đạt / Đạt một phần / Không đạt (yes_partly_no), Số liệu (figures), Ghi nhận bằng lời (text).",
    ]
    assert "“essay”" in response.content.decode()
    assert not ChecklistTemplate.objects.exists()


def test_import_refuses_other_file_types(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("inspections:template_import"), {"file": _upload(b"a,b", "tieu-chi.csv")})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Upload a .yaml, .yml or .xlsx file."]


def test_scheduler_may_not_import_checklists(client, scheduler):
    client.force_login(scheduler)

    response = client.post(reverse("inspections:template_import"), {"file": _upload(DATA.read_bytes())})

    assert response.status_code == 403
    assert not ChecklistTemplate.objects.exists()


def test_import_page_refuses_other_methods(client, administrator):
    client.force_login(administrator)

    assert client.put(reverse("inspections:template_import")).status_code == 405


# Publish and new version


def test_administrator_publishes_a_draft(client, administrator, draft):
    client.force_login(administrator)

    response = client.post(reverse("inspections:template_publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == TemplateStatus.PUBLISHED and draft.published_at


def test_a_draft_without_criteria_cannot_be_published(client, administrator):
    empty = ChecklistTemplateFactory(draft=True, content=False)
    client.force_login(administrator)

    response = client.post(reverse("inspections:template_publish", args=[empty.pk]), follow=True)

    empty.refresh_from_db()
    assert empty.status == TemplateStatus.DRAFT
    assert "cannot be published" in response.content.decode()


def test_publishing_needs_post(client, administrator, draft):
    client.force_login(administrator)

    assert client.get(reverse("inspections:template_publish", args=[draft.pk])).status_code == 405


def test_scheduler_may_not_publish(client, scheduler, template):
    client.force_login(scheduler)

    assert client.post(reverse("inspections:template_publish", args=[template.pk])).status_code == 403


def test_new_version_copies_a_published_version_into_a_draft(client, administrator, template):
    client.force_login(administrator)

    response = client.post(reverse("inspections:template_new_version", args=[template.pk]), {"version": ""})

    copy = ChecklistTemplate.objects.exclude(pk=template.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.code, copy.version, copy.number, copy.status) == (
        template.code,
        "1.1",
        2,
        TemplateStatus.DRAFT,
    )
    assert copy.based_on == template
    assert list(Criterion.objects.filter(domain__template=copy).values_list("code", "figure_rules")) == list(
        Criterion.objects.filter(domain__template=template).values_list("code", "figure_rules")
    )


def test_new_version_with_a_taken_label_is_refused(client, administrator, template):
    client.force_login(administrator)

    client.post(reverse("inspections:template_new_version", args=[template.pk]), {"version": "1.0"})

    assert ChecklistTemplate.objects.count() == 1


def test_inspector_may_not_start_a_new_version(client, inspector, template):
    client.force_login(inspector)

    assert client.post(reverse("inspections:template_new_version", args=[template.pk])).status_code == 403


def test_extra_criteria_do_not_change_the_preview_query_count(
    client, inspector, template, django_assert_max_num_queries
):
    client.force_login(inspector)
    domain = template.domains.get()
    for _ in range(25):
        CriterionFactory(domain=domain)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("inspections:template_preview", args=[template.pk]))

    assert response.status_code == 200
