/**
 * The shape of test/diagnoses/<exercise>.ts: what an exercise's check can observe when a test fails,
 * for test/unit/diagnoses.test.ts to run every detector of exercises/<exercise>/checks/diagnoses.ts
 * against. List every wire observation the check's flow passes to `diagnose` (each is a symptom that
 * several mistakes share), and the log lines any crash leaves, so that a detector loosened to a shared
 * symptom fires on a fixture of another mistake, or on the solution, and the test fails.
 */
export interface Observations<W> {
  /** Every observation the check can report, each shared by several mistakes. */
  symptoms: W[];
  /** Logs a failure leaves whatever the cause, per service (never one mistake's own line). */
  sharedLogs: Record<string, string>;
}
