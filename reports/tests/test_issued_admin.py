"""The register of issued documents opens in the admin (its files are private: named, not linked)."""

from django.urls import reverse

from reports.models import IssuedDocument
from units.tests.factories import UserFactory

from .test_issued import _conclude, reviewed_visit  # noqa: F401 (fixture)


def test_the_administrator_opens_an_issued_notice_in_the_admin(client, media, leader, reviewed_visit):  # noqa: F811
    client.force_login(leader)
    assert _conclude(client, reviewed_visit).status_code == 302
    doc = IssuedDocument.objects.get()
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:reports_issueddocument_change", args=[doc.pk]))

    assert response.status_code == 200
    assert doc.reference in response.content.decode() and doc.docx.name in response.content.decode()
