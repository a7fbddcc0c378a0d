import pytest
from django.core.management import call_command

from gongjian.orgs.models import Organization, Person


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_to_the_original_state(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"%PDF-1.4 signed agreement")
    Organization.objects.create(name="示例学院党委", sector="school", kind="committee")
    Person.objects.create(name="张伟", phone="13800138000")
    original = sorted(Organization.objects.values_list("name", "pinyin_initials"))

    call_command("backup", output=str(tmp_path / "out"))
    archive = next((tmp_path / "out").glob("*.tar.gz"))

    Organization.objects.create(name="后来加的组织", sector="other", kind="other")
    Organization.objects.filter(name="示例学院党委").update(name="被改掉的名字")
    Person.objects.all().delete()
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"overwritten")

    call_command("restore", str(archive), yes=True)

    assert sorted(Organization.objects.values_list("name", "pinyin_initials")) == original
    assert Person.objects.get().phone == "13800138000"
    assert (tmp_path / "media" / "uploads" / "scan.pdf").read_bytes() == b"%PDF-1.4 signed agreement"


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_without_confirmation(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_archive(tmp_path, settings):
    import tarfile

    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("backup", output=str(tmp_path / "out"))
    archive = next((tmp_path / "out").glob("*.tar.gz"))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.bin":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), yes=True)
