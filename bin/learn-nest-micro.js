#!/usr/bin/env node
'use strict';
// A reader that stops early (`learn-nest-micro list | head`) is not an error: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
// Exit as soon as the command is done, once its output is flushed: a learner's half-open socket or a
// test worker must not keep the CLI alive.
require('../dist/cli/main.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
