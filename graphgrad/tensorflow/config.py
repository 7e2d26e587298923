"""``tf.config`` and ``tf.device``: graphgrad computes on the CPU, the one device it lists."""
import collections
import contextlib

PhysicalDevice = collections.namedtuple("PhysicalDevice", "name device_type")
_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")


def list_physical_devices(device_type=None):
    """The CPU (asked for it or for all devices); no GPU."""
    return [_CPU] if device_type in (None, "CPU") else []


@contextlib.contextmanager
def device(device_name):
    """Accepted, and the block runs on the CPU (as TensorFlow places ops whose device is missing)."""
    yield
