"""Convolutional nets: one 3x3 convolution by hand, the Keras LeNet, and seed 002's PyTorch code.

1. A 1-channel 3x3 kernel on a 4x4 image: each output pixel in SymPy, whose partial
   derivatives along the edges from the input pixels are the kernel weights; the same
   convolution drawn pixel by pixel; the graph and its reverse trace.
2. LeNet in Keras's spelling: ``summary()`` and the layer stack with its feature maps.
3. Seed 002's ``class Net(nn.Module)`` and training step with only the imports changed
   (``from graphgrad import torch``): the net, three SGD steps, the recorded graph.
"""
import numpy as np
import sympy as sp

from _gallery import LECTURES, Page, options

from graphgrad import GraphgradError, Graph, nn, ops
from graphgrad import torch
import graphgrad.torch.nn as tnn
import graphgrad.torch.nn.functional as F
import graphgrad.torch.optim as optim
from graphgrad.traces import record
from graphgrad.viz import convolution_picture, find_renderer, render

IMAGE = np.arange(16.0).reshape(1, 4, 4, 1) / 10
KERNEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]).reshape(3, 3, 1, 1)   # Sobel, x


def convolution_by_hand(page):
    xs = sp.Array([[[[sp.Symbol(f"x{r}{c}")] for c in range(4)] for r in range(4)]])
    ws = sp.Array([[[[sp.Symbol(f"w{a}{b}")]] for b in range(3)] for a in range(3)])
    y = ops.convolution.conv2d_p.sympy(xs, ws, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1,
                                       layout="NHWC")
    pixel = y[0, 0, 1, 0]
    partials = {f"x{a}{1 + b}": sp.diff(pixel, sp.Symbol(f"x{a}{1 + b}")) for a in range(3) for b in range(3)}
    page.text("A 1-channel 3x3 convolution of a 4x4 image gives a 2x2 image; output pixel (0, 1) is")
    page.code(f"y01 = {pixel}")
    page.text("so the partial derivative along the edge from an input pixel to it is the kernel weight "
              "that pixel meets: " + ", ".join(f"∂y01/∂{x} = {p}" for x, p in partials.items()) + ".")
    if find_renderer() is not None:
        convolution_picture(KERNEL, (4, 4), highlight=(0, 1)).save(page.path("conv_neurons.svg"))
        page.picture("conv_neurons.svg", "the convolution neuron by neuron with the Sobel kernel: "
                     "y01's receptive field and its weights")
    x, w = ops.input("x", IMAGE.shape), ops.input("w", KERNEL.shape)
    graph = Graph([ops.sum(ops.relu(ops.conv2d(x, w)))], [x, w])
    trace = record(graph, {"x": IMAGE, "w": KERNEL})
    page.text("With the image 0.0 … 1.5 and a Sobel kernel, the graph and its traces "
              "(the kernel's adjoint is the image correlated with the output's adjoint):")
    page.code(trace.format("text"))
    if find_renderer() is not None:
        render(graph, page.path("conv_graph.svg"), {"x": IMAGE, "w": KERNEL})
        page.picture("conv_graph.svg", "J = sum(relu(conv2d(x, w))) with values and adjoints")
    return {"pixel": pixel, "partials": partials, "J": float(graph(x=IMAGE, w=KERNEL))}


def keras_lenet(page):
    model = nn.Sequential([
        nn.Conv2D(6, 3, activation="relu", input_shape=(28, 28, 1)), nn.MaxPooling2D(2),
        nn.Conv2D(16, 3, activation="relu"), nn.MaxPooling2D(2), nn.Flatten(),
        nn.Dense(120, activation="relu"), nn.Dense(84, activation="relu"), nn.Dense(10, activation="softmax")])
    page.text("LeNet for MNIST in Keras's spelling (`benchmarks/w4_lenet.py` trains it on the real data):")
    summary = model.summary(print_fn=lambda s: None)
    page.code(summary)
    if find_renderer() is not None:
        model.picture().save(page.path("lenet_stack.svg"))
        page.picture("lenet_stack.svg", "LeNet's layers and the feature maps between them")
    return {"params": model.count_params(), "summary": summary}


class Net(tnn.Module):
    """Seed 002's network, verbatim but for the imports."""

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = tnn.Conv2d(1, 6, 3)
        self.conv2 = tnn.Conv2d(6, 16, 3)
        self.fc1 = tnn.Linear(16 * 6 * 6, 120)
        self.fc2 = tnn.Linear(120, 84)
        self.fc3 = tnn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        num_features = 1
        for s in x.size()[1:]:
            num_features *= s
        return num_features


def pytorch_seed002(page):
    torch.manual_seed(0)
    net = Net()
    input, target = torch.randn(1, 1, 32, 32), torch.randn(10).view(1, -1)
    criterion = tnn.MSELoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    page.text("Seed 002's PyTorch code runs with `from graphgrad import torch`, "
              "`import graphgrad.torch.nn as nn`, `import graphgrad.torch.nn.functional as F`, "
              "`import graphgrad.torch.optim as optim`:")
    page.code(repr(net))
    page.text(f"Three steps of `optimizer.zero_grad(); output = net(input); loss = criterion(output, target); "
              f"loss.backward(); optimizer.step()`: losses {', '.join(f'{v:.4f}' for v in losses)}. "
              "`tests/torch` checks such steps against numbers recorded from PyTorch 2.13 to 1e-5.")
    if find_renderer() is not None:
        from graphgrad import eager
        eager.draw(loss, page.path("step_graph.svg"), view="forward")
        page.picture("step_graph.svg", "the graph one step recorded")
    return {"losses": losses}


def main(out, fast=False):
    page = Page(out, "Convolutional nets", LECTURES["neural networks"])
    numbers = {"by hand": convolution_by_hand(page), "keras": keras_lenet(page), "pytorch": pytorch_seed002(page)}
    page.write()
    return numbers


if __name__ == "__main__":
    args = options("convolutional_nets", __doc__)
    try:
        main(args.out, args.fast)
    except GraphgradError as exc:
        raise SystemExit(f"error: {exc}")
