"""Issue an API token for a user (a person or a system account), replacing any old one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from governance.actions import Action
from governance.audit import Actor, record_event
from practices.acting import live_memberships


class Command(BaseCommand):
    help = (
        "Create or rotate USERNAME's API token and print it. The old token, if any, stops "
        "working at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="The username the token is for")

    def handle(self, *args, **options) -> None:
        username = options["user"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is deactivated: reactivate them first.")
        with transaction.atomic():
            replaced, _ = Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
            record_event(
                actor=Actor.system(),
                action=Action.API_TOKEN_ROTATE if replaced else Action.API_TOKEN_CREATE,
                obj=user,
            )
        if not live_memberships(user):
            self.stderr.write(
                f"{username} works for no organisation yet: the token will be refused until "
                "they do."
            )
        self.stdout.write(token.key)
