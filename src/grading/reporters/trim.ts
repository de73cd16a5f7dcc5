/**
 * What a learner reads of a stack: the frames of their own code. Frames inside node_modules (NestJS,
 * RxJS, the gRPC library) and inside Node itself only repeat how a call got there; they are folded into
 * one line that says how many were left out (`check --verbose` shows them all).
 */

/** A stack frame of a framework or of Node itself, not of the learner's code. */
export function isFrameworkFrame(line: string): boolean {
  line = line.replace(/\x1b\[[0-9;]*m/g, '');
  return /^\s*at\s/.test(line) && /node_modules[\\/]|node:internal|\(node:|^\s*at\s+(new\s+)?[\w.<>]*\s*\(?native\)?$|^\s*at\s+<anonymous>$/.test(line);
}

/**
 * The lines with each run of framework frames replaced by `folded(count)`. A run of one frame is
 * folded too: a fold line takes the same room and tells more.
 */
export function foldFrameworkFrames(lines: string[], folded: (count: number) => string): string[] {
  const out: string[] = [];
  let run = 0;
  const flush = () => {
    if (run > 0) out.push(folded(run));
    run = 0;
  };
  for (const line of lines) {
    if (isFrameworkFrame(line)) {
      run += 1;
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  return out;
}
