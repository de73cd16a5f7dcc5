#!/usr/bin/env node
'use strict';
// Exit as soon as the command is done: a learner's half-open socket or a test worker must not keep
// the CLI alive (stdout and stderr are synchronous for files, pipes and terminals on Linux and macOS).
require('../dist/cli/main.js')
  .main(process.argv)
  .then((code) => process.exit(code));
