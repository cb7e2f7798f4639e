// Runs an ONNX model with onnxruntime-node on a JSON case file and prints the max abs difference
// against the expected outputs. Case: { inputs: {name: {dims, type, data}}, outputs: {name: {dims, data}} }
// Usage: node models/tools/ort_check.cjs model.onnx case.json
const fs = require('fs');
const ort = require('onnxruntime-node');

const ARRAYS = { float32: Float32Array, int32: Int32Array, int64: BigInt64Array };

async function main() {
  const [modelPath, casePath] = process.argv.slice(2);
  const c = JSON.parse(fs.readFileSync(casePath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath);
  const feeds = {};
  for (const [name, t] of Object.entries(c.inputs)) {
    const type = t.type || 'float32';
    const data = type === 'int64' ? BigInt64Array.from(t.data.map(BigInt)) : ARRAYS[type].from(t.data);
    feeds[name] = new ort.Tensor(type, data, t.dims);
  }
  const results = await session.run(feeds);
  let worst = 0;
  for (const [name, want] of Object.entries(c.outputs)) {
    const got = results[name];
    if (JSON.stringify(Array.from(got.dims)) !== JSON.stringify(want.dims)) {
      throw new Error(`${name}: dims ${got.dims} != ${want.dims}`);
    }
    let diff = 0;
    for (let i = 0; i < want.data.length; i++) diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
    console.log(`${name}: max abs diff ${diff.toExponential(3)}`);
    worst = Math.max(worst, diff);
  }
  console.log(JSON.stringify({ maxAbsDiff: worst }));
}
main().catch((e) => { console.error(e); process.exit(1); });
