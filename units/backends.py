"""The authentication backend: Django's ModelBackend, with the user's home unit read in the same
query as the user.

Nearly every page needs the home unit (``units.rules.scope_prefix``: the units and visits a user
may see); read lazily it was one more query on every request.
"""

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = self._user_with_unit(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _user_with_unit(user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            return model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
