"""Tokens expire and can be revoked. Tokens issued before this change get the lifetime
they would have been given, counted from when they were issued."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import ExpressionWrapper, F


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("exercise", "ApiToken")
    for owner, lifetime in (("user", settings.STAFF_TOKEN_LIFETIME), ("player", settings.PLAYER_TOKEN_LIFETIME)):
        expiry = ExpressionWrapper(F("created_at") + lifetime, output_field=models.DateTimeField())
        ApiToken.objects.filter(**{f"{owner}__isnull": False}).update(expires_at=expiry)


class Migration(migrations.Migration):
    dependencies = [("exercise", "0005_event_time")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, help_text="The token is refused from this moment on."),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, help_text="Set when revoked; refused from then on."),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(help_text="The token is refused from this moment on."),
        ),
    ]
