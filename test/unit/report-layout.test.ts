/**
 * The failure report of a crash fits a 40-row terminal with the fix at the bottom: framework stack
 * frames are folded, logs keep their last lines, and the cause and fix come last. `--verbose` (the
 * `verbose` option) shows every line.
 */
import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../../src/grading/check-result';
import { renderPretty } from '../../src/grading/reporters/pretty';
import { foldFrameworkFrames, isFrameworkFrame } from '../../src/grading/reporters/trim';
import { makeStyle } from '../../src/ui/style';

// What a Nest 12 gRPC service prints when its protoPath points nowhere: a few lines of its own, then
// NestJS's stack, nearly all of it inside node_modules and Node.
const nestFrames = [
  '    at ServerGrpc.loadProto (/ws/grpc-streams/node_modules/@nestjs/microservices/server/server-grpc.js:469:39)',
  '    at ServerGrpc.createClient (/ws/grpc-streams/node_modules/@nestjs/microservices/server/server-grpc.js:430:34)',
  '    at ServerGrpc.listen (/ws/grpc-streams/node_modules/@nestjs/microservices/server/server-grpc.js:36:37)',
  '    at NestMicroservice.listen (/ws/grpc-streams/node_modules/@nestjs/microservices/nest-microservice.js:172:41)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
  '    at async bootstrap (/ws/grpc-streams/math-service/main.ts:17:3)',
  ...Array.from({ length: 24 }, (_, i) => `    at Module._compile (node:internal/modules/cjs/loader:${1500 + i}:14)`),
  ...Array.from({ length: 12 }, (_, i) => `    at Object.<anonymous> (/ws/grpc-streams/node_modules/@swc-node/register/lib/register.js:${100 + i}:7)`),
];
const mathLog = [
  '[Nest] 4242  - 12/02/2026, 8:00:00 AM     LOG [NestFactory] Starting Nest application...',
  '[Nest] 4242  - 12/02/2026, 8:00:00 AM     LOG [InstanceLoader] MathModule dependencies initialized +3ms',
  "[Nest] 4242  - 12/02/2026, 8:00:00 AM   ERROR [Server] ENOENT: no such file or directory, open '/ws/grpc-streams/math-service/proto/math.proto'",
  'Error: The invalid .proto definition (file at "/ws/grpc-streams/math-service/proto/math.proto" not found)',
  ...nestFrames,
  'Node.js v22.12.0',
].join('\n');

const fixLine = 'Fix: Build protoPath in math-service/main.ts with join(__dirname, ...) so that it climbs out of math-service/ to the exercise folder before going into proto/.';
const crashed: CheckResult = {
  exercise: 'grpc-streams',
  status: 'fail',
  durationMs: 4200,
  timedOut: false,
  logs: { math: mathLog, gateway: '[Nest] 4243  - LOG [NestFactory] Starting Nest application...\n[Nest] 4243  - LOG [NestApplication] Nest application successfully started' },
  tests: [
    {
      name: 'services start',
      status: 'fail',
      durationMs: 0,
      mistake: 'wrong-proto-path',
      message: [
        'protoPath does not point at proto/math.proto',
        'protoPath must be the path of the .proto file. __dirname is the folder of the .ts file (math-service/), and the proto folder is not inside it.',
        fixLine,
        'The service math crashed at start (exit code 1).',
        'NestJS said: Error: The invalid .proto definition (file at "/ws/grpc-streams/math-service/proto/math.proto" not found)',
        ...nestFrames.slice(0, 8),
      ].join('\n'),
    },
    ...['Sum answers the total', 'Sum of no values', 'Sum rejects a negative', 'Squares streams', 'Squares of no values', 'Squares rejects', 'cancelling Squares', 'RunningSum answers', 'RunningSum with no values', 'the gateway answers', 'the gateway answers 400'].map((name) => ({ name, status: 'skip' as const, durationMs: 0 })),
    { name: 'TypeScript compiles', status: 'pass', durationMs: 0 },
  ],
};

describe('the failure report of a crash', () => {
  test('fits 40 rows, with the fix among the last lines and the framework frames folded', () => {
    const lines = renderPretty(crashed, makeStyle(false)).split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    const fixAt = lines.indexOf(fixLine);
    expect(fixAt, lines.join('\n')).toBeGreaterThanOrEqual(lines.length - 4);
    // The cause sits right above the fix, and NestJS's own words above the cause.
    expect(lines.findIndex((l) => l.startsWith('protoPath does not point'))).toBeLessThan(fixAt);
    expect(lines.findIndex((l) => l.startsWith('NestJS said:'))).toBeLessThan(lines.findIndex((l) => l.startsWith('protoPath does not point')));
    // The learner's own frame stays; NestJS's and Node's are folded.
    expect(lines.some((l) => l.includes('at async bootstrap (/ws/grpc-streams/math-service/main.ts:17:3)'))).toBe(true);
    expect(lines.some((l) => l.includes('node_modules/@nestjs'))).toBe(false);
    expect(lines.some((l) => /framework stack frames/.test(l))).toBe(true);
  });

  test('--verbose shows the whole stack and every log line', () => {
    const text = renderPretty(crashed, makeStyle(false), undefined, { verbose: true });
    for (const frame of nestFrames) expect(text).toContain(frame);
    expect(text).toContain('[math] [Nest] 4242  - 12/02/2026, 8:00:00 AM     LOG [NestFactory] Starting Nest application...');
    expect(text).not.toMatch(/framework stack frames/);
    expect(text.split('\n').at(-4)).toBe(fixLine);
  });

  test('a plain failure ends with what its symptom can mean', () => {
    const plain: CheckResult = { ...crashed, logs: {}, tests: [{ name: 'Sum answers', status: 'fail', durationMs: 1, message: 'Sum failed with 12 UNIMPLEMENTED\nThis can mean: no handler is registered\nsent:     { values: [1] }' }] };
    const lines = renderPretty(plain, makeStyle(false)).split('\n');
    expect(lines.at(-4)).toBe('This can mean: no handler is registered');
    expect(lines.indexOf('sent:     { values: [1] }')).toBeLessThan(lines.length - 4);
  });

  test('only frames inside node_modules or Node are framework frames', () => {
    expect(isFrameworkFrame('    at async bootstrap (/ws/grpc-streams/math-service/main.ts:17:3)')).toBe(false);
    expect(isFrameworkFrame('    at ServerGrpc.listen (/ws/node_modules/@nestjs/microservices/server/server-grpc.js:36:37)')).toBe(true);
    expect(isFrameworkFrame('\u001b[31m    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)\u001b[39m')).toBe(true);
    expect(isFrameworkFrame('an error about node_modules')).toBe(false);
    expect(foldFrameworkFrames(['Error: x', nestFrames[0], nestFrames[1], nestFrames[5], nestFrames[6]], (n) => `(${n})`)).toEqual(['Error: x', '(2)', nestFrames[5], '(1)']);
  });
});
