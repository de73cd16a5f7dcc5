#!/usr/bin/env node
'use strict';
// Exit as soon as the command is done, once its output is flushed: a learner's half-open socket or a
// test worker must not keep the CLI alive.
require('../dist/cli/main.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
