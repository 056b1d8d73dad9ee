"""Who signs in."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: staff at one or more organisations, or (later) a patient."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
