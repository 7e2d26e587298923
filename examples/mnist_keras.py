"""MNIST with Keras: the MNIST network end to end with the real data.

Dense(512, relu) -> Dense(10, softmax), RMSprop, categorical cross-entropy, batch 128,
5 epochs, as in the lecture (which reports test accuracy 0.9785). The data folder holds
the four standard IDX files (``../shared/data/mnist`` in this project).
"""
from pathlib import Path

from _gallery import LECTURES, Page, options

from graphgrad import GraphgradError, nn
from graphgrad.datasets import load_mnist, to_categorical
from graphgrad.plots import plot_history

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def prepare(data):
    (x_train, y_train), (x_test, y_test) = load_mnist(data)
    x_train = x_train.reshape((-1, 28 * 28)).astype("float32") / 255
    x_test = x_test.reshape((-1, 28 * 28)).astype("float32") / 255
    return (x_train, to_categorical(y_train)), (x_test, to_categorical(y_test))


def main(out, fast=False, data=DATA):
    page = Page(out, "MNIST with Keras", LECTURES["mathematical building blocks"])
    (x_train, y_train), (x_test, y_test) = prepare(data)
    if fast:  # a tenth of the data and one epoch: the same code, a quick check
        x_train, y_train, x_test, y_test = x_train[:6000], y_train[:6000], x_test[:2000], y_test[:2000]
    epochs = 1 if fast else 5
    network = nn.Sequential([
        nn.Dense(512, activation="relu", input_shape=(28 * 28,)),
        nn.Dense(10, activation="softmax"),
    ], seed=0)
    network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = network.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    test_loss, test_acc = network.evaluate(x_test, y_test, verbose=0)
    page.text("With the four MNIST files in `$GRAPHGRAD_DATA/mnist/` (graphgrad never downloads):")
    page.code("from graphgrad import nn\nfrom graphgrad.datasets import to_categorical\n"
              "from graphgrad.keras.datasets import mnist\n\n"
              "(train_images, train_labels), (test_images, test_labels) = mnist.load_data()\n"
              "train_images = train_images.reshape((-1, 28 * 28)).astype('float32') / 255\n"
              "test_images = test_images.reshape((-1, 28 * 28)).astype('float32') / 255\n"
              "train_labels, test_labels = to_categorical(train_labels), to_categorical(test_labels)\n"
              "network = nn.Sequential([\n    nn.Dense(512, activation='relu', input_shape=(28 * 28,)),\n"
              "    nn.Dense(10, activation='softmax'),\n], seed=0)\n"
              "network.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
              f"network.fit(train_images, train_labels, epochs={epochs}, batch_size=128)\n"
              "test_loss, test_acc = network.evaluate(test_images, test_labels)", "python")
    page.text(f"Trained on {len(x_train)} images for {epochs} epoch(s): training accuracy "
              f"{history.history['accuracy'][-1]:.4f}, **test accuracy {test_acc:.4f}** "
              f"on {len(x_test)} test images (the lecture: 0.9785).")
    plot_history(history, page.path("history.png"))
    page.picture("history.png", "loss and accuracy by epoch")
    page.write()
    return {"test_accuracy": test_acc, "train_accuracy": history.history["accuracy"][-1], "epochs": epochs}


if __name__ == "__main__":
    args = options("mnist_keras", __doc__, data=DATA)
    try:
        print(main(args.out, args.fast, args.data))
    except GraphgradError as exc:
        raise SystemExit(f"error: {exc}")
