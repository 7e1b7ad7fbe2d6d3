// Port: asks for another probe round `delaySeconds` from now (SQS DelaySeconds in the Lambda), so the
// probe function is billed for probing, not for waiting between its two rounds.
export interface RoundScheduler {
  scheduleRound(delaySeconds: number, body: string): Promise<void>;
}
