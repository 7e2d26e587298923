"""``torch.cuda``: graphgrad computes on the CPU, so there is no CUDA device (tutorials ask before using one)."""


def is_available():
    return False


def device_count():
    return 0
