"""Data for the nn examples: MNIST from IDX files, toy 2D sets, one-hot labels and standardisation."""
from .checks import LabelError
from .idx import DatasetError, MissingFileError, read_idx, write_idx
from .mnist import load_mnist
from .toy import blobs, circles, moons, spirals, xor
from .preprocessing import Standardizer, standardize, to_categorical
