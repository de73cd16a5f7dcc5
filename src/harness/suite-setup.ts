/**
 * Loaded before every hidden suite. Clients a suite creates (a Nest ClientRMQ, say) may log to
 * stdout directly; in the worker that would interleave with the CLI's report and break
 * `--reporter json`. Their output goes to stderr instead.
 */
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
