from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)
from tests.training.conftest import bank_folder, loaded  # noqa: F401 (the same fixtures)
