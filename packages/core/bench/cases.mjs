// The benchmark's workloads: shapes, FLOP counts and tfjs thunks. bench/torch_twin.py
// at the repo root builds the same workloads in PyTorch under the same names.
//
// FLOPs count multiply-adds as 2 and ignore element-wise work (bias, relu,
// pooling, softmax, optimizer). A training step counts each conv/dense layer's
// forward, weight gradient and, except for the first layer (whose input needs
// no gradient), input gradient: 2*MAC each.

/** Layer list -> MACs of one forward pass and FLOPs of one training step. */
export function stepFlops(layers) {
  const macs = layers.map((l) => (l.type === 'conv' ? l.n * l.ho * l.wo * l.co * l.kh * l.kw * l.ci : l.n * l.inUnits * l.outUnits));
  const fwd = macs.reduce((a, b) => a + b, 0);
  return { forward: 2 * fwd, step: 2 * fwd + 2 * fwd + 2 * (fwd - macs[0]) };
}

export const BATCH = 64;

/** core-mnist's CNN (apps/demo/src/experiments/core_mnist.ts, full config): conv5x5/2(16) > conv5x5/2(32) > dense 10. */
export const MNIST_LAYERS = [
  { type: 'conv', n: BATCH, ho: 14, wo: 14, co: 16, kh: 5, kw: 5, ci: 1 },
  { type: 'conv', n: BATCH, ho: 7, wo: 7, co: 32, kh: 5, kw: 5, ci: 16 },
  { type: 'dense', n: BATCH, inUnits: 7 * 7 * 32, outUnits: 10 },
];

/** CIFAR-sized CNN: conv3x3(32, same) relu > maxpool 2 > conv3x3(64, same) relu > maxpool 2 > dense 10. */
export const CIFAR_LAYERS = [
  { type: 'conv', n: BATCH, ho: 32, wo: 32, co: 32, kh: 3, kw: 3, ci: 3 },
  { type: 'conv', n: BATCH, ho: 16, wo: 16, co: 64, kh: 3, kw: 3, ci: 32 },
  { type: 'dense', n: BATCH, inUnits: 8 * 8 * 64, outUnits: 10 },
];

const CONV = { n: BATCH, h: 16, w: 16, ci: 32, co: 64, k: 3 };
const CONV_FLOPS = 2 * CONV.n * CONV.h * CONV.w * CONV.co * CONV.k * CONV.k * CONV.ci;

/**
 * name, human label, FLOPs, the kernels it needs (for an early 'n/a'), and
 * whether the tfjs stock kernels make it very slow (fewer reps; skipped by --quick).
 */
export const CASES = [
  { name: 'matmul_512', label: 'matmul 512x512 @ 512x512', flops: 2 * 512 ** 3, kernels: ['BatchMatMul'] },
  { name: 'matmul_1024', label: 'matmul 1024x1024 @ 1024x1024', flops: 2 * 1024 ** 3, kernels: ['BatchMatMul'] },
  { name: 'matmul_16384x288x64', label: 'matmul 16384x288 @ 288x64', flops: 2 * 16384 * 288 * 64, kernels: ['BatchMatMul'] },
  { name: 'conv_fwd', label: 'conv2d fwd [64,16,16,32]*3x3x32x64', flops: CONV_FLOPS, kernels: ['Conv2D'] },
  { name: 'conv_dgrad', label: 'conv2d input grad', flops: CONV_FLOPS, kernels: ['Conv2DBackpropInput'] },
  { name: 'conv_wgrad', label: 'conv2d weight grad', flops: CONV_FLOPS, kernels: ['Conv2DBackpropFilter'], slowStock: true },
  { name: 'mnist_step', label: 'core-mnist CNN train step b64', flops: stepFlops(MNIST_LAYERS).step, kernels: ['Conv2DBackpropFilter'], slowStock: true },
  { name: 'cifar_step', label: 'CIFAR CNN train step b64', flops: stepFlops(CIFAR_LAYERS).step, kernels: ['Conv2DBackpropFilter', 'MaxPoolGrad'], slowStock: true },
];

/** Deterministic uniform(-1, 1) tensor from a small LCG (same numbers in every process). */
export function lcgTensor(tf, shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2147483648 - 1;
  }
  return tf.tensor(v, shape);
}

function oneHotLabels(tf, n, classes, seed) {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = (i * 7 + seed) % classes;
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(idx, 'int32'), classes), 'float32'));
}

function matmulCase(tf, m, k, n) {
  const a = lcgTensor(tf, [m, k], 1);
  const b = lcgTensor(tf, [k, n], 2);
  return { run: () => tf.matMul(a, b), dispose: () => tf.dispose([a, b]) };
}

function convCase(tf, which) {
  const { n, h, w, ci, co, k } = CONV;
  const x = lcgTensor(tf, [n, h, w, ci], 3);
  const filter = lcgTensor(tf, [k, k, ci, co], 4);
  const dy = lcgTensor(tf, [n, h, w, co], 5);
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
  const run = {
    fwd: () => tf.conv2d(x, filter, 1, 'same'),
    // The public ops behind these kernels are not exported by tfjs-core; call the kernels as the gradients do.
    dgrad: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }),
    wgrad: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }),
  }[which];
  return { run, dispose: () => tf.dispose([x, filter, dy]) };
}

/** One training step closure for a tf.layers model: forward, softmax cross-entropy, backward, Adam update. */
function trainCase(tf, model, inputShape, seed) {
  const x = lcgTensor(tf, [BATCH, ...inputShape], seed);
  const y = oneHotLabels(tf, BATCH, 10, seed);
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read());
  const run = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
        vars,
      );
      optimizer.applyGradients(grads);
      return value;
    });
  return {
    run,
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

function mnistModel(tf) {
  const conv = (filters, first) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 5,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: first ? 1 : 2 }),
    });
  return tf.sequential({
    layers: [conv(16, true), conv(32, false), tf.layers.flatten(), tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })],
  });
}

function cifarModel(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
}

/** Builds the inputs of case `name`; returns { run(): Tensor, dispose() }. */
export function makeCase(tf, name) {
  switch (name) {
    case 'matmul_512':
      return matmulCase(tf, 512, 512, 512);
    case 'matmul_1024':
      return matmulCase(tf, 1024, 1024, 1024);
    case 'matmul_16384x288x64':
      return matmulCase(tf, 16384, 288, 64);
    case 'conv_fwd':
      return convCase(tf, 'fwd');
    case 'conv_dgrad':
      return convCase(tf, 'dgrad');
    case 'conv_wgrad':
      return convCase(tf, 'wgrad');
    case 'mnist_step':
      return trainCase(tf, mnistModel(tf), [28, 28, 1], 6);
    case 'cifar_step':
      return trainCase(tf, cifarModel(tf), [32, 32, 3], 7);
    default:
      throw new Error(`unknown case '${name}'`);
  }
}
