/** A key press as the terminal sends it: one character, or a whole escape sequence (arrows, …). */
export type Key = string;

export const CTRL_C = '\u0003';

/** Splits a chunk of raw input into key presses. */
export function splitKeys(data: string): Key[] {
  if (data.startsWith('\u001b')) return [data];
  return [...data];
}

/**
 * Delivers single key presses without Enter (raw mode) until the returned function is called.
 * Raw mode swallows Ctrl-C, so it is turned back into SIGINT: the usual clean-up then runs.
 */
export function listenForKeys(onKey: (key: Key) => void, input: NodeJS.ReadStream = process.stdin): () => void {
  if (!input.isTTY) return () => undefined;
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  const onData = (data: string) => {
    for (const key of splitKeys(data)) {
      if (key === CTRL_C) {
        process.kill(process.pid, 'SIGINT');
        return;
      }
      onKey(key);
    }
  };
  input.on('data', onData);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    input.off('data', onData);
    input.setRawMode(wasRaw);
    input.pause();
  };
}

/** Waits for one key press (raw mode, no Enter needed). */
export function nextKey(input: NodeJS.ReadStream = process.stdin): Promise<Key> {
  return new Promise((resolve) => {
    const stop = listenForKeys((key) => {
      stop();
      resolve(key);
    }, input);
  });
}
