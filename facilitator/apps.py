from django.apps import AppConfig


class FacilitatorConfig(AppConfig):
    name = "facilitator"

    def ready(self) -> None:
        from exercise import exercises
        from facilitator import review_pdf

        # An exercise that ends has its review printed by a worker, ahead of the first download.
        exercises.ended.connect(review_pdf.when_ended, dispatch_uid="print-the-review-when-ended")
