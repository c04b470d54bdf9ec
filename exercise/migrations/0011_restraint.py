"""Restraint expectations: a check is decided by the team whose act met it or broke a
restraint (``met_by`` becomes ``acted_by``), and its kind may be the forbidden one.

The hotline message function (migrations 0004, 0005, 0007) needs no change: it defers a
message's decisions while a check of kind ``hotline.message`` is open, and a restraint's
check holds the kind it forbids, so a message that breaks one is decided like one that
meets an expectation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exercise", "0010_divergent_interests")]

    operations = [
        migrations.RenameField(model_name="expectationcheck", old_name="met_by", new_name="acted_by"),
        migrations.AlterField(
            model_name="expectationcheck",
            name="acted_by",
            field=models.CharField(
                blank=True, help_text="key of the team whose act decided it; blank when a deadline did", max_length=16
            ),
        ),
        migrations.AlterField(
            model_name="expectationcheck",
            name="decided_by",
            field=models.PositiveBigIntegerField(
                blank=True, help_text="seq of the event that decided it: met it, or broke a restraint", null=True
            ),
        ),
        migrations.AlterField(
            model_name="expectationcheck",
            name="event_kind",
            field=models.CharField(help_text="the kind that decides it: expected, or forbidden", max_length=40),
        ),
    ]
