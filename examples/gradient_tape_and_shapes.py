"""GradientTape and tensor shapes: the GradientTape examples, and tensor shapes and reshape, with graphgrad.

y = 2x + 3 at x = 0 -> dy/dx = 2; y = 2x² + 3 at x = 3 -> 12; at x = [[1,2],[3,4]]
-> [[4, 8], [12, 16]]; reshape (3, 2) -> (6, 1) -> (2, 3).
"""
import numpy as np

from _gallery import LECTURES, Page, options

import graphgrad as gg
from graphgrad.graph.printing import number


def main(out, fast=False):
    page = Page(out, "GradientTape and tensor shapes", LECTURES["mathematical building blocks"])
    numbers = {
        "dy/dx of 2x + 3 at 0": gg.grad(lambda x: 2 * x + 3)(0.0),
        "dy/dx of 2x^2 + 3 at 3": gg.grad(lambda x: 2 * x * x + 3)(3.0),
        "dy/dx of 2x^2 + 3 at [[1,2],[3,4]]": gg.grad(lambda x: 2 * x * x + 3)(np.array([[1.0, 2], [3, 4]])),
    }
    page.text("`gg.grad(f)` traces `f` into a graph and differentiates it by reverse mode, "
              "as TensorFlow's GradientTape does. For a tensor output it returns the gradient of the sum.")
    page.code("\n".join([
        "import numpy as np",
        "import graphgrad as gg",
        "gg.grad(lambda x: 2*x + 3)(0.0)        # " + number(numbers["dy/dx of 2x + 3 at 0"]),
        "gg.grad(lambda x: 2*x*x + 3)(3.0)      # " + number(numbers["dy/dx of 2x^2 + 3 at 3"]),
        "gg.grad(lambda x: 2*x*x + 3)(np.array([[1., 2], [3, 4]]))",
        "# " + number(numbers["dy/dx of 2x^2 + 3 at [[1,2],[3,4]]"]),
    ]), "python")

    x = gg.ops.input("x", (3, 2))
    six = gg.reshape(x, (6, 1))
    two = gg.reshape(six, (2, 3))
    value = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    shaped = gg.Graph([six, two], [x])(x=value)
    page.text("Reshape keeps the elements in order; the graph knows every shape before it runs:")
    page.code(f"x: {x.shape} -> reshape {six.shape} -> reshape {two.shape}\n"
              f"{np.array2string(shaped[1])}")
    numbers["reshape (2, 3)"] = shaped[1]

    a = gg.ops.input("a", (2, 2, 3))
    b = gg.ops.input("b", (2, 3, 2))
    c = gg.Graph(a @ b)(a=np.arange(1, 13.0).reshape(2, 2, 3), b=np.arange(13, 25.0).reshape(2, 3, 2))
    page.text("`@` multiplies batches of matrices, as `tf.matmul` does on 3-D tensors (seed 003):")
    page.code(np.array2string(c.astype(int)))
    numbers["batched matmul"] = c
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("gradient_tape_and_shapes", __doc__)
    for key, value in main(args.out, args.fast).items():
        print(f"{key}: {value}")
