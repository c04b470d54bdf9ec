from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercise", "0015_scenario_map"),
    ]

    operations = [
        migrations.AddField(
            model_name="scenario",
            name="tags",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
