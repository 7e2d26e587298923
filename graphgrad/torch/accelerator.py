"""``torch.accelerator``: graphgrad computes on the CPU, so there is no accelerator (tutorials ask before using one)."""


def is_available():
    return False


def current_accelerator(check_available=False):
    """None: PyTorch's answer when no accelerator is present."""
    return None


def device_count():
    return 0
