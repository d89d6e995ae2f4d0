"""The few places where Wagtail 7.4 LTS and Wagtail 8.x differ, in one module.

The plugin supports every Wagtail LTS and every later feature release (README,
"Supported versions"). Code elsewhere imports the names below instead of checking
versions itself; when the oldest supported release no longer needs a branch, delete it
here and the call sites stay as they are.
"""

from wagtail import VERSION as WAGTAIL_VERSION

WAGTAIL_8 = WAGTAIL_VERSION >= (8, 0)


_registered_policies = {}


def permission_policy_for(model):
    """The permission policy Wagtail's admin applies to `model`.

    Wagtail 8 looks it up in `wagtail.permissions.policy_registry` (a site may register its
    own); Wagtail 7.4 has no registry: a policy given to `register_permission_policy` below,
    else the page policy for pages, else a plain `ModelPermissionPolicy`.
    """
    if WAGTAIL_8:
        from wagtail.permissions import policy_registry

        return policy_registry.get_by_type(model)
    from wagtail.models import Page
    from wagtail.permission_policies import ModelPermissionPolicy
    from wagtail.permissions import page_permission_policy

    if model in _registered_policies:
        return _registered_policies[model]
    if issubclass(model, Page):
        return page_permission_policy
    return ModelPermissionPolicy(model)


def page_permission_policy():
    """The permission policy Wagtail uses for pages."""
    from wagtail.models import Page

    return permission_policy_for(Page)


def register_permission_policy(model, policy):
    """Give `model` (exactly that class) its own permission policy in the admin.

    Wagtail 8 has `wagtail.permissions.register_permission_policy`, which every admin view
    for the model consults. Wagtail 7.4 has no registry: the policy is kept here, and
    viewsets that inherit `RegisteredPolicyMixin` use it.
    """
    if WAGTAIL_8:
        from wagtail.permissions import register_permission_policy as register

        register(model, policy, exact_class=True)
    _registered_policies[model] = policy


class RegisteredPolicyMixin:
    """For a ModelViewSet whose model has a policy from `register_permission_policy`.

    Needed only on Wagtail 7.4, where `ModelViewSet.permission_policy` is always a plain
    `ModelPermissionPolicy`; on Wagtail 8 it returns the same policy Wagtail would.
    """

    @property
    def permission_policy(self):
        policy = _registered_policies.get(self.model)
        return policy if policy is not None else super().permission_policy
