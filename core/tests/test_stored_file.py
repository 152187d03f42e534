"""Inspection evidence, reform-index evidence and remediation attachments share one declaration of
their file's fields (core.models.StoredFile), each under its own folder, with no migration left."""

import io
import re

import pytest
from django.core.management import call_command

from core.models import StoredFile, stored_file_path
from findings.models import UpdateAttachment
from inspections.models import AnswerEvidence
from inspections.reform_index.models import IndexEvidence

FOLDERS = {
    AnswerEvidence: "evidence",
    IndexEvidence: "reform_index/evidence",
    UpdateAttachment: "remediation",
}
SHARED = ["file", "original_name", "content_type", "size", "sha256", "uploaded_at"]


@pytest.mark.parametrize("model", FOLDERS, ids=lambda m: m.__name__)
def test_each_file_model_takes_its_fields_from_the_stored_file(model):
    assert issubclass(model, StoredFile)
    for name in SHARED:
        ours, base = model._meta.get_field(name), StoredFile._meta.get_field(name)
        assert ours.deconstruct()[1:] == base.deconstruct()[1:], name
    assert model._meta.get_field("file").upload_to is stored_file_path


@pytest.mark.parametrize("model", FOLDERS, ids=lambda m: m.__name__)
def test_a_stored_file_gets_a_random_name_under_its_models_folder(model):
    name = stored_file_path(model(), "Biên bản KIỂM TRA.PDF")
    assert re.fullmatch(rf"{FOLDERS[model]}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", name), name
    assert name != stored_file_path(model(), "Biên bản KIỂM TRA.PDF")


def test_no_migration_is_missing(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
