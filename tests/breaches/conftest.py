from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)
