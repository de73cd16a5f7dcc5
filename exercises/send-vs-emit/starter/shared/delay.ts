/** Stands in for slow work: a mail provider, a warehouse system. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
