"""factory_boy factories for accounts, for tests only.

Factories write rows directly, not through services: they leave no audit entries behind, so a
test can count exactly the entries its own service call made.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from .models import User

TEST_PASSWORD = "test-pass-123!"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.edu.cn")
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password=TEST_PASSWORD, **kwargs):
        user = model_class(*args, **kwargs)
        user.set_password(password)
        user.save()
        return user
