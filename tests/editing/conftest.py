import keras
import pytest


@pytest.fixture(autouse=True, scope="package")
def _single_threaded_torch():
    """One intra-op thread for the tiny editing models on PyTorch.

    Each step of these tests multiplies matrices of a few dozen rows; with
    several threads on a busy 2-core machine, PyTorch spends most of a step
    waking its thread pool. Restored after the package's tests.
    """
    if keras.backend.backend() != "torch":
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
