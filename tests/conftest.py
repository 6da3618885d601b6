import pytest
from helpers import load

from sim.config import Config


@pytest.fixture
def baseline() -> Config:
    """A fresh baseline config that a test may change."""
    return load()
