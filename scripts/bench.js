#!/usr/bin/env node
// Benchmark: median wall time of `learn-nest-micro check tcp-basics` on the reference solution, beside
// the floor measured in the same run: the same two services precompiled with tsc and started with
// plain node, readiness polled the same way, and the same requests (TCP sum, HTTP sum), then killed.
// Usage: npm run bench [-- --runs N]
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'learn-nest-micro.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const id = 'tcp-basics';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${Math.round(x)} ms`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: 'localhost', autoSelectFamily: true });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

async function waitPort(port) {
  while (!(await portOpen(port))) await new Promise((r) => setTimeout(r, 25));
}

// CPU seconds of the children this process has reaped (the command and every process it waited for):
// cutime + cstime of /proc/self/stat, in clock ticks (100 a second on Linux).
function childCpuSeconds() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function timeCommand(args) {
  const cpu0 = childCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  return { elapsed, cpu: childCpuSeconds() - cpu0, status: r.status, output: r.stdout + r.stderr };
}

// The floor: what any grader must at least do. Runs in a fresh node process, like a check does.
const floorScript = `
const { spawn } = require('node:child_process');
const net = require('node:net');
const [outDir, mathPort, gatewayPort] = process.argv.slice(2);
const env = { ...process.env, MATH_PORT: mathPort, GATEWAY_PORT: gatewayPort, NO_COLOR: '1' };
const children = ['math-service/main.js', 'gateway/main.js'].map((entry) => spawn(process.execPath, [entry], { cwd: outDir, env, stdio: 'ignore' }));
const portOpen = (port) => new Promise((resolve) => { const s = net.connect({ port, host: 'localhost', autoSelectFamily: true }); s.once('connect', () => (s.destroy(), resolve(true))); s.once('error', () => (s.destroy(), resolve(false))); });
const waitPort = async (port) => { while (!(await portOpen(port))) await new Promise((r) => setTimeout(r, 25)); };
(async () => {
  const clientLib = import('@nestjs/microservices');
  await Promise.all([waitPort(Number(mathPort)), waitPort(Number(gatewayPort))]);
  const { ClientProxyFactory, Transport } = await clientLib;
  const { firstValueFrom } = await import('rxjs');
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: 'localhost', port: Number(mathPort) } });
  for (const numbers of [[1, 2, 3], [], [10, -4, 0.5]]) await firstValueFrom(client.send({ cmd: 'sum' }, numbers));
  for (const q of ['1,2,3', '5']) await (await fetch('http://localhost:' + gatewayPort + '/math/sum?numbers=' + q)).text();
  client.close();
  for (const c of children) c.kill('SIGKILL');
})().catch((e) => { console.error(e); for (const c of children) c.kill('SIGKILL'); process.exit(1); });
`;

(async () => {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'lnm-bench-'));
  try {
    const scaffold = timeCommand([bin, 'scaffold', id, '--dir', ws]);
    if (scaffold.status !== 0) throw new Error(scaffold.output);
    cpSync(path.join(root, 'solutions', id), path.join(ws, id), { recursive: true });

    // Precompile the same solution for the floor, inside the workspace so node_modules resolve.
    const outDir = path.join(ws, 'floor-build');
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ws, 'tsconfig.json'), '--noEmit', 'false', '--outDir', outDir, '--rootDir', path.join(ws, id)], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
    const floorFile = path.join(ws, 'floor.js');
    writeFileSync(floorFile, floorScript);

    // Warm-up: fills the type-check cache and the OS file cache for both.
    const warm = timeCommand([bin, 'check', id, '--dir', ws]);
    if (warm.status !== 0) throw new Error(`the reference solution does not pass:\n${warm.output}`);
    const checks = [];
    const traced = [];
    const edits = [];
    const floors = [];
    const edited = path.join(ws, id, 'math-service', 'main.ts');
    // Floor, unchanged re-check and check after an edit, interleaved so that load hits all three alike.
    for (let i = 0; i < runs; i++) {
      const [mathPort, gatewayPort] = [await freePort(), await freePort()];
      const floor = timeCommand([floorFile, outDir, String(mathPort), String(gatewayPort)]);
      if (floor.status !== 0) throw new Error(`floor failed:\n${floor.output}`);
      floors.push(floor);
      const check = timeCommand([bin, 'check', id, '--dir', ws]);
      if (check.status !== 0) throw new Error(`check failed:\n${check.output}`);
      checks.push(check);
      // The same unchanged check recording its messages (issue 17): what --trace costs.
      const tracedCheck = timeCommand([bin, 'check', id, '--dir', ws, '--trace']);
      if (tracedCheck.status !== 0) throw new Error(`check --trace failed:\n${tracedCheck.output}`);
      traced.push(tracedCheck);
      // A real change: neither the type check nor the compiled file can come from a cache.
      writeFileSync(edited, readFileSync(edited, 'utf8') + `\n// bench edit ${i} ${Date.now()}\n`);
      const edit = timeCommand([bin, 'check', id, '--dir', ws]);
      if (edit.status !== 0) throw new Error(`check after an edit failed:\n${edit.output}`);
      edits.push(edit);
    }
    const wall = (xs) => median(xs.map((x) => x.elapsed));
    const cpu = (xs) => median(xs.map((x) => x.cpu));
    const f = wall(floors);
    const line = (label, xs, target) =>
      console.log(`${label.padEnd(34)} median ${ms(wall(xs)).padStart(8)}  ratio ${(wall(xs) / f).toFixed(2)}${target ? ` (target <= ${target})` : '      '}  cpu ${cpu(xs).toFixed(2)} s  [${xs.map((x) => ms(x.elapsed)).join(', ')}]`);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}, ${runs} runs each`);
    line('floor (precompiled, plain node)', floors);
    line(`check ${id}, unchanged`, checks, '1.6');
    line(`check ${id} --trace, unchanged`, traced);
    line(`check ${id}, after an edit`, edits, '2.0');
    globalThis.benchFloorMs = f;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
})().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});

// ---------------------------------------------------------------------------------------------------
// Watch re-check latency (issue 6). A section of its own: it starts once the check benchmark above
// has finished (beforeExit), so the two never compete for the machine. `watch tcp-basics` runs piped
// (results are appended, not redrawn); each run saves a real change to the reference solution and
// times save → "Checking…" and save → the PASS line, each save 2 s after the last result (a learner reads,
// then edits; watch warms the next check up meanwhile). Usage: npm run bench [-- --watch-runs N]
// ---------------------------------------------------------------------------------------------------
let watchBenchStarted = false;
process.on('beforeExit', () => {
  if (watchBenchStarted) return;
  watchBenchStarted = true;
  benchWatch().catch((error) => {
    console.error(`watch benchmark: ${error.message ?? error}`);
    process.exit(1);
  });
});

async function benchWatch() {
  const watchRuns = Number(process.argv[process.argv.indexOf('--watch-runs') + 1]) || 5;
  const ws = mkdtempSync(path.join(os.tmpdir(), 'lnm-bench-watch-'));
  const scaffold = timeCommand([bin, 'scaffold', id, '--dir', ws]);
  if (scaffold.status !== 0) throw new Error(scaffold.output);
  cpSync(path.join(root, 'solutions', id), path.join(ws, id), { recursive: true });
  // A generous limit: under load a timed-out check would measure the limit, not the latency.
  const child = spawn(process.execPath, [bin, 'watch', id, '--dir', ws, '--timeout', '120'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = [];
  const onData = (chunk) => {
    output += chunk;
    for (const w of [...waiters]) if (w.pattern.test(output.slice(w.from))) (waiters.splice(waiters.indexOf(w), 1), w.resolve(process.hrtime.bigint()));
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const seen = (pattern, from, timeoutMs = 180_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch did not print ${pattern} within ${timeoutMs / 1000}s:\n${output.slice(from)}`)), timeoutMs);
      waiters.push({ pattern, from, resolve: (at) => (clearTimeout(timer), resolve(at)) });
      onData('');
    });
  try {
    const file = path.join(ws, id, 'math-service', 'main.ts');
    let saves = 0;
    // Saves a real change (the type check cannot come from its cache); resolves with the times it was seen.
    const save = async () => {
      const from = output.length;
      const checking = seen(/Checking/, from);
      const result = seen(new RegExp(`(PASS|FAIL) ${id}`), from);
      const t0 = process.hrtime.bigint();
      writeFileSync(file, readFileSync(file, 'utf8') + `\n// watch bench ${++saves} ${Date.now()}\n`);
      const [c, r] = [await checking, await result];
      return { checking: Number(c - t0) / 1e6, result: Number(r - t0) / 1e6, passed: new RegExp(`PASS ${id}`).test(output.slice(from)) };
    };
    // Warm-up: the first check, then saves until one passes (a loaded machine can miss a start-up limit).
    await seen(new RegExp(`(PASS|FAIL) ${id}`), 0);
    let warm = new RegExp(`PASS ${id}`).test(output);
    for (let i = 0; i < 3 && !warm; i++) warm = (await save()).passed;
    if (!warm) throw new Error(`the reference solution does not pass in watch:\n${output.slice(-3000)}`);
    const runs = [];
    for (let i = 0; i < watchRuns; i++) {
      // A learner reads the result and edits before the next save: watch uses that time to warm up.
      await new Promise((r) => setTimeout(r, 2000));
      runs.push(await save());
    }
    const passed = runs.filter((r) => r.passed);
    const toChecking = runs.map((r) => r.checking);
    const toResult = passed.map((r) => r.result);
    console.log(`watch ${id}, ${watchRuns} saves: save → "Checking…" median ${ms(median(toChecking))}  [${toChecking.map(ms).join(', ')}]`);
    if (passed.length === 0) throw new Error(`no re-check passed:\n${output.slice(-3000)}`);
    const floorNote = globalThis.benchFloorMs ? `  ratio to the floor above ${(median(toResult) / globalThis.benchFloorMs).toFixed(2)} (target <= 1.5)` : '';
    console.log(`watch ${id}, ${passed.length} of ${watchRuns} saves passed: save → PASS median ${ms(median(toResult))}${floorNote}  [${toResult.map(ms).join(', ')}]`);
    console.log(`load average after the watch benchmark: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(ws, { recursive: true, force: true });
  }
}
