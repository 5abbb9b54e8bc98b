"""Writes the Fashion-MNIST notebooks of this folder (nbformat 4.5, no outputs).

Run from the repository root: python3 notebooks/fashion-mnist/make-notebooks.py
The notebooks are the source the course ships; this script only saves typing JSON by hand.
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

METADATA = {
    "kernelspec": {"name": "tslab", "display_name": "TypeScript", "language": "typescript"},
    "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
}


def cell_id(name, index):
    return hashlib.sha1(f"{name}:{index}".encode()).hexdigest()[:12]


def lines(text):
    text = text.strip("\n")
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]


def write(name, cells):
    out = []
    for i, (kind, text, *tags) in enumerate(cells):
        cell = {"cell_type": kind, "id": cell_id(name, i), "metadata": {}, "source": lines(text)}
        if tags:
            cell["metadata"]["tags"] = tags
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
    nb = {"cells": out, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def md(text):
    return ("markdown", text)


def code(text, *tags):
    return ("code", text, *tags)


PARAMETERS = code(
    """
const quick = false; // the course runner sets this to true for a short CI run
""",
    "parameters",
)

# The model, exactly as every notebook of the section writes it.
MODEL = """
function fashionClassifier(seed = 0): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),           // [batch, 28, 28] -> [batch, 784]
      tf.layers.dense({ units: 512, activation: "relu" }),   // Linear(784, 512) + ReLU
      tf.layers.dense({ units: 512, activation: "relu" }),   // Linear(512, 512) + ReLU
      tf.layers.dense({ units: 10 }),                        // Linear(512, 10): one logit per class
    ],
  });
  torchLinearInit(model, { seed });                        // PyTorch's nn.Linear init (notebook 01)
  return model;
}
"""

BACKEND = """
// The fastest backend here (notebook 08 of the Iris section), then faster kernels for wasm.
const device = await currentAccelerator();
console.log(`backend: ${device.name} (${device.description})`);
if (device.name === "wasm") console.log(useFastWasmKernels().description);
"""

write(
    "01-data-and-model.ipynb",
    [
        md(
            """
# Fashion-MNIST: data and model
> Load the clothing images, batch them, and build the network the next notebooks train.

**PyTorch step:** `datasets.FashionMNIST(root="data", train=True, transform=ToTensor())`,
`DataLoader(training_data, batch_size=64)` and the `NeuralNetwork` module of the tutorials
"Datasets & DataLoaders" and "Build the Neural Network", which "Optimizing Model Parameters"
starts from.

Fashion-MNIST is Zalando's drop-in replacement for the handwritten digits of MNIST: 70,000
grey-scale pictures of clothes, 28 by 28 pixels, in 10 classes. The files ship with trainbook in
`data/fashion-mnist/` (MIT licence), so nothing is downloaded.
"""
        ),
        PARAMETERS,
        code(
            """
import * as tf from "@tensorflow/tfjs";
import { currentAccelerator, DataLoader, FASHION_MNIST_CLASSES, loadFashionMNIST, showImages, torchLinearInit, useFastWasmKernels } from "trainbook";
"""
            + BACKEND
        ),
        md(
            """
`useFastWasmKernels()` changes how tf.js's WebAssembly backend computes matrix products, not
what it computes: notebook 02 says why this network needs it. Everything else below is plain
tf.js.

## Loading the dataset

`loadFashionMNIST` reads the gzipped IDX files, checks their headers (magic numbers 0x00000803
for images, 0x00000801 for labels, 28x28 images, as many labels as images) and scales the pixels
from 0-255 to [0, 1] in float32, which is what `ToTensor()` does. It returns a `TensorDataset`
of images `[n, 28, 28]` and labels `[n]` (int32). PyTorch's `ToTensor` adds a channel dimension,
`[1, 28, 28]`; a fully connected network flattens it anyway, so we leave it out.
"""
        ),
        code(
            """
const trainingData = loadFashionMNIST("../../data/fashion-mnist", { train: true, maxExamples: quick ? 2000 : undefined });
const testData = loadFashionMNIST("../../data/fashion-mnist", { train: false });
console.log(`training examples: ${trainingData.length}, test examples: ${testData.length}`);

const [firstImage, firstLabel] = trainingData.get(0);
const label = firstLabel.dataSync()[0];
console.log(`first image: shape [${firstImage.shape}], pixels from ${firstImage.min().dataSync()[0]} to ${firstImage.max().dataSync()[0]}`);
console.log(`its label: ${label} (${FASHION_MNIST_CLASSES[label]})`);
tf.dispose([firstImage, firstLabel]);
"""
        ),
        md(
            """
The ten classes, in label order:
"""
        ),
        code(
            """
FASHION_MNIST_CLASSES.forEach((name, index) => console.log(`${index}: ${name}`));
"""
        ),
        md(
            """
A few training images with their labels (the tutorial draws nine random ones with matplotlib):
"""
        ),
        code(
            """
showImages(trainingData, { count: 9, columns: 3, classNames: FASHION_MNIST_CLASSES });
"""
        ),
        md(
            """
## Preparing the data with a DataLoader

Batches of 64, in file order, like `DataLoader(training_data, batch_size=64)`. The loader gathers
each batch in one step and disposes it when the next one is asked for.
"""
        ),
        code(
            """
const trainDataloader = new DataLoader(trainingData, { batchSize: 64 });
const testDataloader = new DataLoader(testData, { batchSize: 64 });

async function showFirstBatch(): Promise<void> {
  for await (const [X, y] of testDataloader) {
    console.log(`Shape of X [N, H, W]: [${X.shape}]`);
    console.log(`Shape of y: [${y.shape}] ${y.dtype}`);
    break; // the loader disposes the batch
  }
}
await showFirstBatch();
console.log(`batches per epoch: ${trainDataloader.length} for training, ${testDataloader.length} for testing`);
"""
        ),
        md(
            """
## The network

`Flatten → Linear(784, 512) → ReLU → Linear(512, 512) → ReLU → Linear(512, 10)`. In tf.js a
`dense` layer is PyTorch's `Linear`, and its `activation: "relu"` applies the ReLU that follows it
in the PyTorch module. The last layer has no activation: it outputs raw scores (logits), and the
loss applies the softmax.
"""
        ),
        code(MODEL),
        md(
            """
### Initial weights

How a layer starts matters: with plain SGD and a learning rate of 1e-3, five epochs are too few
to forget a different start. PyTorch initialises `nn.Linear(in, out)` with weights and biases
uniform in ±1/√in. tf.js's `dense` starts with Glorot-uniform weights (±√(6/(in+out))) and zero
biases. `torchLinearInit(model, { seed })` re-draws every dense layer the PyTorch way, from a
seeded generator that the golden tests reproduce in Python, so both libraries can start from the
very same numbers.
"""
        ),
        code(
            """
const model = fashionClassifier();
model.summary();

const [w1, b1] = model.layers[1].getWeights();
console.log(`layer 1 kernel [${w1.shape}]: largest |w| = ${w1.abs().max().dataSync()[0].toFixed(5)}, bound 1/√784 = ${(1 / 28).toFixed(5)}`);
console.log(`layer 1 bias [${b1.shape}]: largest |b| = ${b1.abs().max().dataSync()[0].toFixed(5)}`);
"""
        ),
        md(
            """
669,706 parameters, as in PyTorch (`sum(p.numel() for p in model.parameters())`). Note the kernel
shape: tf.js stores a dense layer's weights as `[in, out]` and computes `x · W`; PyTorch stores
`[out, in]` and computes `x · Wᵀ`. Same numbers, transposed.

## A first prediction

The untrained network on one batch: 10 logits per image, a softmax turns them into
probabilities, and the largest one is the predicted class. Before training all classes are about
equally likely (about 0.1 each).
"""
        ),
        code(
            """
async function predictFirstBatch(): Promise<void> {
  for await (const [X, y] of testDataloader) {
    tf.tidy(() => {
      const logits = model.predict(X) as tf.Tensor2D;          // [64, 10]
      const predProbab = tf.softmax(logits);                    // [64, 10], rows sum to 1
      const yPred = predProbab.argMax(1);                       // [64]
      console.log(`logits: [${logits.shape}]`);
      console.log(`probabilities of the first image: ${Array.from(predProbab.slice([0, 0], [1, 10]).dataSync(), (p) => p.toFixed(3)).join(" ")}`);
      console.log(`predicted class of the first image: ${FASHION_MNIST_CLASSES[yPred.dataSync()[0]]}, true class: ${FASHION_MNIST_CLASSES[y.dataSync()[0]]}`);
    });
    break;
  }
}
await predictFirstBatch();
"""
        ),
        code(
            """
model.dispose();
tf.dispose([...trainingData.tensors, ...testData.tensors]);
"""
        ),
        md(
            """
Next: train it, with a loss, an optimizer and two loops (`02-optimization-loop`).
"""
        ),
    ],
)

write(
    "02-optimization-loop.ipynb",
    [
        md(
            """
# Optimizing model parameters
> Train the Fashion-MNIST network: hyperparameters, a loss, an optimizer, a train loop and a test loop.

**PyTorch step:** the "Optimizing Model Parameters" tutorial: `learning_rate`, `batch_size`,
`epochs`, `nn.CrossEntropyLoss()`, `torch.optim.SGD(...)`, `train_loop` and `test_loop`, then
`for t in range(epochs)`.

The model has weights; training adjusts them, batch after batch, to make the loss smaller. Each
step makes a prediction, measures the error with the loss, computes the gradient of the loss with
respect to every weight (backpropagation), and lets the optimizer move the weights a little
against the gradient.
"""
        ),
        PARAMETERS,
        code(
            """
import * as tf from "@tensorflow/tfjs";
import { currentAccelerator, DataLoader, loadFashionMNIST, torchLinearInit, useFastWasmKernels } from "trainbook";
"""
            + BACKEND
            + MODEL
        ),
        md(
            """
`useFastWasmKernels()` is plumbing, not part of the lesson: TensorFlow.js's WebAssembly backend
sends matrix products with a transposed operand, which is what every backward pass of a dense
layer computes, to a slow plain loop. This call makes them use the fast XNNPACK kernels, with
the same results: a training step of this network goes from about 130 ms to about 14 ms. If
trainbook's optional native addon has been built (`node-gyp rebuild --directory
src/train/native`, with OpenBLAS installed), matrix products run on OpenBLAS instead, about
twice as fast again. The model, the loss, the optimizer and the loops below are plain tf.js
either way.

## Hyperparameters

Hyperparameters are the settings that steer training (the weights are what training learns):

- **epochs**: how many times to go over the whole training set;
- **batch size**: how many examples the network sees before each update of the weights;
- **learning rate**: how far to move the weights at each update. Too small learns slowly; too
  large may overshoot the minimum.
"""
        ),
        code(
            """
const learningRate = 1e-3;
const batchSize = 64;
const epochs = quick ? 1 : 5;
"""
        ),
        md(
            """
The data of notebook 01, in batches of 64 in file order (`quick` mode trains on the first 2,000
images only):
"""
        ),
        code(
            """
const trainingData = loadFashionMNIST("../../data/fashion-mnist", { train: true, maxExamples: quick ? 2000 : undefined });
const testData = loadFashionMNIST("../../data/fashion-mnist", { train: false });
const trainDataloader = new DataLoader(trainingData, { batchSize: batchSize });
const testDataloader = new DataLoader(testData, { batchSize: batchSize });
let model = fashionClassifier();
"""
        ),
        md(
            """
## The loss function

The loss says how far the prediction is from the label; training makes it smaller. For
classification, `nn.CrossEntropyLoss` combines a log-softmax of the logits with the negative log
likelihood of the true class, averaged over the batch. tf.js's `softmaxCrossEntropy` computes the
same from logits and one-hot labels:
"""
        ),
        code(
            """
function lossFn(pred: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), pred) as tf.Scalar; // mean over the batch
}
"""
        ),
        md(
            """
## The optimizer

The optimizer holds the rule that updates the weights. Stochastic gradient descent subtracts
`learningRate × gradient` from each weight:
"""
        ),
        code(
            """
let optimizer: tf.Optimizer = tf.train.sgd(learningRate);
"""
        ),
        md(
            """
## The train loop and the test loop

The train loop goes over the training batches. For each one, `optimizer.minimize(f, true)` does
what PyTorch spells out in three lines: it runs `f` (the prediction and the loss) while recording
the operations, computes the gradients of the loss (`loss.backward()`), applies the update
(`optimizer.step()`) and returns the loss. tf.js computes fresh gradients every time, so there is
nothing to reset (`optimizer.zero_grad()`). We dispose the returned loss once we have read it.

Every 100 batches it prints the loss of the batch and how many examples it has seen. The
tutorial's current version counts the batch just trained (`(batch + 1) * len(X)`, so the first
line says 64); older versions printed `batch * len(X)`.
"""
        ),
        code(
            """
async function trainLoop(dataloader: DataLoader<[tf.Tensor2D, tf.Scalar]>, model: tf.Sequential, lossFn: (pred: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar, optimizer: tf.Optimizer): Promise<void> {
  const size = dataloader.dataset.length;
  let batch = 0;
  for await (const [X, y] of dataloader) {
    // Compute prediction and loss, backpropagate, update the weights
    const loss = optimizer.minimize(() => {
      const pred = model.apply(X, { training: true }) as tf.Tensor2D;
      return lossFn(pred, y);
    }, true)!;

    if (batch % 100 === 0) {
      const current = (batch + 1) * X.shape[0];
      console.log(`loss: ${loss.dataSync()[0].toFixed(6).padStart(7)}  [${String(current).padStart(5)}/${String(size).padStart(5)}]`);
    }
    loss.dispose();
    batch++;
  }
}
"""
        ),
        md(
            """
The test loop runs the model on the test set without training: no gradients are recorded and
`tf.tidy` frees each batch's tensors. It adds up the loss of each batch and counts the images
whose highest logit is the true class (`pred.argmax(1) == y`).
"""
        ),
        code(
            """
async function testLoop(dataloader: DataLoader<[tf.Tensor2D, tf.Scalar]>, model: tf.Sequential, lossFn: (pred: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar): Promise<{ accuracy: number; loss: number }> {
  const size = dataloader.dataset.length;
  const numBatches = dataloader.length;
  let testLoss = 0;
  let correct = 0;

  for await (const [X, y] of dataloader) {
    tf.tidy(() => {
      const pred = model.predict(X) as tf.Tensor2D;
      testLoss += lossFn(pred, y).dataSync()[0];
      correct += pred.argMax(1).equal(y).cast("float32").sum().dataSync()[0];
    });
  }

  testLoss /= numBatches;
  correct /= size;
  console.log(`Test Error: \\n Accuracy: ${(100 * correct).toFixed(1)}%, Avg loss: ${testLoss.toFixed(6).padStart(8)} \\n`);
  return { accuracy: correct, loss: testLoss };
}
"""
        ),
        md(
            """
## Full implementation

Loop over the epochs: one pass of training, then a test. With the tutorial's settings (SGD,
learning rate 1e-3, 5 epochs) PyTorch reaches 49.5% test accuracy after the first epoch and 64.9%
after the fifth, from its own random start.
"""
        ),
        code(
            """
const sgdResults: { accuracy: number; loss: number }[] = [];
for (let t = 0; t < epochs; t++) {
  console.log(`Epoch ${t + 1}\\n-------------------------------`);
  await trainLoop(trainDataloader, model, lossFn, optimizer);
  sgdResults.push(await testLoop(testDataloader, model, lossFn));
}
console.log("Done!");
"""
        ),
        md(
            """
From the start `torchLinearInit(model, { seed: 0 })` gives, PyTorch 2.13 reaches 65.2% after five
epochs with these exact batches (`test/golden/fashion-mnist/accuracy.py`); the run above should
say the same within a few tenths of a point, and the first 50 losses agree with PyTorch's to
about 1e-6 (`test/vision/step-parity.test.ts`). The loss is still falling: this learning rate is
small for plain SGD.

## Adding momentum

`torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)`: momentum keeps a running sum of
past gradients (`v = 0.9 v + g`, then `w = w - lr v`), so steps grow along directions the
gradient keeps pointing to and oscillations cancel out. tf.js calls this optimizer
`tf.train.momentum`. Same model start, same batches:
"""
        ),
        code(
            """
model.dispose();
optimizer.dispose();
model = fashionClassifier();
optimizer = tf.train.momentum(learningRate, 0.9);

const momentumResults: { accuracy: number; loss: number }[] = [];
for (let t = 0; t < epochs; t++) {
  console.log(`Epoch ${t + 1}\\n-------------------------------`);
  await trainLoop(trainDataloader, model, lossFn, optimizer);
  momentumResults.push(await testLoop(testDataloader, model, lossFn));
}
console.log("Done!");
"""
        ),
        md(
            """
PyTorch reaches 70.4% after one epoch and 82.4% after five with momentum, against 49.5% and 64.9%
without. Side by side:
"""
        ),
        code(
            """
console.table(sgdResults.map((r, t) => ({
  epoch: t + 1,
  "SGD accuracy": `${(100 * r.accuracy).toFixed(1)}%`,
  "SGD + momentum accuracy": `${(100 * momentumResults[t].accuracy).toFixed(1)}%`,
})));
"""
        ),
        code(
            """
model.dispose();
optimizer.dispose();
tf.dispose([...trainingData.tensors, ...testData.tensors]);
"""
        ),
        md(
            """
Next: the same training wrapped in a reusable `trainModel` function, with live curves
(`03-train-model`).
"""
        ),
    ],
)

write(
    "03-train-model.ipynb",
    [
        md(
            """
# A training function
> Wrap the loop in `trainModel(model, { epochs, lr })`, track running loss and accuracy, and watch the curves live.

**PyTorch step:** `def train_model(model, epochs=8, lr=0.05)` with `optim.SGD(..., momentum=0.9)`
and `nn.CrossEntropyLoss()`; `model.train()`, a running loss, `torch.max(outputs, 1)` to count
correct predictions, then `model.eval()` and a validation pass each epoch.

Putting the loop in a function keeps the notebook tidy and lets us train several models the same
way. The function below does what notebook 02 wrote out, plus the bookkeeping that shows how
training goes: a running loss during each epoch, training and validation accuracy after it.
"""
        ),
        PARAMETERS,
        code(
            """
import * as tf from "@tensorflow/tfjs";
import { currentAccelerator, DataLoader, History, liveChart, loadFashionMNIST, plotHistory, torchLinearInit, useFastWasmKernels, FASHION_MNIST_CLASSES } from "trainbook";
"""
            + BACKEND
            + MODEL
        ),
        md(
            """
## Data

The training set, shuffled into a new order each epoch (seeded, so every run sees the same
orders); the 10,000 test images serve as the validation set, as in the tutorial.
"""
        ),
        code(
            """
const trainingData = loadFashionMNIST("../../data/fashion-mnist", { train: true, maxExamples: quick ? 2000 : undefined });
const validationData = loadFashionMNIST("../../data/fashion-mnist", { train: false, maxExamples: quick ? 1000 : undefined });
const trainLoader = new DataLoader(trainingData, { batchSize: 64, shuffle: true, seed: 0 });
const valLoader = new DataLoader(validationData, { batchSize: 64 });

function lossFn(outputs: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), outputs) as tf.Scalar; // nn.CrossEntropyLoss()
}
"""
        ),
        md(
            """
## `trainModel`

For each epoch:

1. **Training.** PyTorch calls `model.train()` so that layers like dropout and batch
   normalisation behave as in training; tf.js passes `{ training: true }` to `model.apply`
   instead (this network has no such layer, but the habit matters). For each batch:
   prediction, loss, gradients and update in one `optimizer.minimize`; the predicted class is the
   index of the largest output (`torch.max(outputs, 1)`), and we count how many match the labels
   (the count is read inside the step; `minimize` frees its tensors afterwards).
2. **Running loss.** Every 200 batches, the mean loss of those batches is printed and drawn.
3. **Validation.** PyTorch's `model.eval()` with `torch.no_grad()`: `model.predict` and
   `tf.tidy`, no gradients, the same loss and accuracy on the validation set.

There is no GPU branch (`if torch.cuda.is_available(): inputs.cuda()`): a tf.js program has one
backend for all its tensors, chosen once with `currentAccelerator()`.
"""
        ),
        code(
            """
async function trainModel(model: tf.Sequential, { epochs = 8, lr = 0.05 } = {}): Promise<History> {
  const optimizer = tf.train.momentum(lr, 0.9);
  const history = new History();
  const chart = liveChart({ title: `trainModel: lr ${lr}, momentum 0.9`, maxEpochs: epochs });
  const logEvery = 200;

  for (let epoch = 0; epoch < epochs; epoch++) {
    // training: model.train()
    let epochLoss = 0;
    let correct = 0;
    let runningLoss = 0;
    let i = 0;
    for await (const [inputs, labels] of trainLoader) {
      const loss = optimizer.minimize(() => {
        const outputs = model.apply(inputs, { training: true }) as tf.Tensor2D;
        correct += outputs.argMax(1).equal(labels).sum().dataSync()[0]; // torch.max(outputs, 1)
        return lossFn(outputs, labels);
      }, true)!;
      const lossValue = loss.dataSync()[0];
      loss.dispose();
      epochLoss += lossValue;
      runningLoss += lossValue;
      i++;
      if (i % logEvery === 0) {
        console.log(`[${epoch + 1}, ${String(i).padStart(5)}] running loss: ${(runningLoss / logEvery).toFixed(3)}`);
        chart.update(epoch + 1, { loss: runningLoss / logEvery });
        runningLoss = 0;
      }
    }
    const trainLoss = epochLoss / trainLoader.length;
    const trainAccuracy = correct / trainLoader.dataset.length;

    // validation: model.eval() and torch.no_grad()
    let valLoss = 0;
    let valCorrect = 0;
    for await (const [inputs, labels] of valLoader) {
      tf.tidy(() => {
        const outputs = model.predict(inputs) as tf.Tensor2D;
        valLoss += lossFn(outputs, labels).dataSync()[0];
        valCorrect += outputs.argMax(1).equal(labels).sum().dataSync()[0];
      });
    }
    valLoss /= valLoader.length;
    const valAccuracy = valCorrect / valLoader.dataset.length;

    console.log(
      `Epoch ${epoch + 1}/${epochs}: train loss ${trainLoss.toFixed(4)}, train accuracy ${(100 * trainAccuracy).toFixed(2)}%, ` +
        `validation loss ${valLoss.toFixed(4)}, validation accuracy ${(100 * valAccuracy).toFixed(2)}%`,
    );
    const metrics = { loss: trainLoss, accuracy: trainAccuracy, valLoss, valAccuracy };
    history.record(metrics);
    chart.update(epoch + 1, metrics);
  }
  chart.close();
  optimizer.dispose();
  return history;
}
"""
        ),
        md(
            """
## Running the training

A fresh network, then `trainModel` with its defaults: 8 epochs, learning rate 0.05 with momentum
0.9, much larger steps than notebook 02 took. The chart redraws while it trains (in a terminal it
prints a summary line instead).
"""
        ),
        code(
            """
const net = fashionClassifier();
const history = await trainModel(net, { epochs: quick ? 2 : 8 });
"""
        ),
        md(
            """
With these larger steps the network passes the 82% that notebook 02 reached after five epochs
within the first epoch. Training accuracy keeps rising; when validation accuracy stops following
it, more epochs would mostly memorise the training set.

`plotHistory` draws the finished history as a static figure:
"""
        ),
        code(
            """
plotHistory(history, { title: "Fashion-MNIST MLP, trainModel(net)" });
"""
        ),
        md(
            """
## Which classes does it confuse?

Accuracy per class on the validation set: shirts, T-shirts, pullovers and coats look alike at
28x28 pixels, trousers and bags do not.
"""
        ),
        code(
            """
async function accuracyPerClass(): Promise<{ correct: number; total: number }[]> {
  const counts = FASHION_MNIST_CLASSES.map(() => ({ correct: 0, total: 0 }));
  for await (const [inputs, labels] of valLoader) {
    const predictedClasses = tf.tidy(() => (net.predict(inputs) as tf.Tensor2D).argMax(1));
    const predicted = predictedClasses.dataSync();
    predictedClasses.dispose();
    labels.dataSync().forEach((label, k) => {
      counts[label].total++;
      if (predicted[k] === label) counts[label].correct++;
    });
  }
  return counts;
}
const perClass = await accuracyPerClass();
console.table(perClass.map((c, label) => ({ class: FASHION_MNIST_CLASSES[label], accuracy: `${(100 * c.correct / c.total).toFixed(1)}%` })));
"""
        ),
        code(
            """
net.dispose();
tf.dispose([...trainingData.tensors, ...validationData.tensors]);
"""
        ),
    ],
)
