"""Run as `python -m tests.ops.after_restore` against a restored database (DATABASE_URL):
what the write-back sweep finds due, then every message handed to a worker twice over (as
if every hand-over had been repeated), then what the sweep finds. Prints JSON."""

import json

import django


def main() -> None:
    django.setup()
    import config.celery  # noqa: F401 - the app, so a hand-over goes to CELERY_BROKER_URL
    from writeback import delivery, tasks
    from writeback.models import WriteBackMessage

    due_before = delivery.due_write_backs()
    every = list(WriteBackMessage.objects.order_by("pk").values_list("pk", flat=True))
    passes = [{str(pk): tasks.deliver_write_back(pk) for pk in every} for _ in range(2)]
    print(
        json.dumps(
            {
                "due_before": due_before,
                "passes": passes,
                "due_after": delivery.due_write_backs(),
                "states": dict(
                    (str(pk), state)
                    for pk, state in WriteBackMessage.objects.values_list("pk", "state")
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
