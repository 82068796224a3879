from tests.conduct.conftest import staff  # noqa: F401 (the same fixture)
